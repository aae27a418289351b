package org.ringfellow.api.ring;

/**
 * A change in this node's membership view.
 *
 * @param type what changed
 * @param member the member after the change
 */
public record RingEvent(Type type, Member member) {

    /** Kinds of change. */
    public enum Type {
        /** A member was seen for the first time, or came back after being dead or gone. */
        JOINED,
        /** A member's record changed (advert, address) without a change of state. */
        UPDATED,
        /** A member is suspected of having failed. */
        SUSPECTED,
        /** A suspected member refuted the suspicion. */
        ALIVE,
        /** A member was declared dead. */
        DEAD,
        /** A member left gracefully. */
        LEFT
    }
}
