package org.ringfellow.api.fellowship;

import java.util.Optional;
import org.ringfellow.api.node.NodeId;

/**
 * Something that happened in a fellowship.
 *
 * @param type what happened
 * @param fellowship the fellowship
 * @param member the member concerned, if any (the one that joined or left, the new coordinator)
 * @param message the message, for {@link Type#MESSAGE}
 * @param roster the roster after the event
 */
public record FellowshipEvent(Type type, FellowshipId fellowship, Optional<NodeId> member,
        Optional<FellowshipMessage> message, Roster roster) {

    /** Kinds of event. */
    public enum Type {
        /** A member joined. */
        MEMBER_JOINED,
        /** A member left or died. */
        MEMBER_LEFT,
        /** A new coordinator took over. */
        COORDINATOR_CHANGED,
        /** A message arrived. */
        MESSAGE,
        /** The fellowship was dissolved. */
        DISSOLVED
    }
}
