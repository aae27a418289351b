package org.ringfellow.api.fellowship;

import java.util.List;
import org.ringfellow.api.node.NodeId;

/**
 * The membership of a fellowship, signed by its coordinator. A later roster has a higher
 * {@code version}; a coordinator change raises {@code epoch}.
 *
 * @param fellowship the fellowship
 * @param version the roster's version, raised on every change
 * @param epoch the coordinator's epoch
 * @param coordinator the current coordinator
 * @param members the members in succession order (the coordinator's successor is the next alive one)
 */
public record Roster(FellowshipId fellowship, long version, long epoch, NodeId coordinator,
        List<FellowshipMember> members) {

    /** Makes the members list immutable. */
    public Roster {
        members = List.copyOf(members);
    }

    /**
     * Tells whether a node is a member.
     *
     * @param node the node
     * @return true if the roster lists it
     */
    public boolean contains(NodeId node) {
        return members.stream().anyMatch(m -> m.node().equals(node));
    }
}
