package org.ringfellow.api.ring;

/** The state of a member as this node's membership view holds it (SWIM). */
public enum MemberState {
    /** Answering probes. */
    ALIVE,
    /** Missed probes; it has a bounded time to refute before it is declared dead. */
    SUSPECT,
    /** Declared failed; a higher incarnation signed by the member itself revives it. */
    DEAD,
    /** Left the Ring gracefully. */
    LEFT
}
