package org.ringfellow.node.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.RingView;

/** The reachability row of {@code node:info}. */
class NodeInfoCommandTest {

    private static Member self(Map<String, String> labels) {
        return new Member(new NodeId("a".repeat(64)), "n", new Endpoint("203.0.113.1", 7946), 1, MemberState.ALIVE,
                new ResourceAdvert(Resources.NONE, Resources.NONE, Set.of(), Set.of(), labels));
    }

    @Test
    void givenTheRingStatesTheReachability_thenNodeInfoShowsItWithTheAddress() {
        Member m = self(Map.of(NodeInfoCommand.REACH_LABEL, "nat-mapped"));
        assertEquals("nat-mapped, at 203.0.113.1:7946", NodeInfoCommand.reachability(RingView.of(1, m, List.of(m))));
    }

    @Test
    void givenNoVerdictOrNoRing_thenNodeInfoSaysSo() {
        Member m = self(Map.of());
        assertEquals("unknown (not decided yet), at 203.0.113.1:7946",
                NodeInfoCommand.reachability(RingView.of(1, m, List.of(m))));
        assertEquals("(the Ring is not running)", NodeInfoCommand.reachability(RingView.EMPTY));
    }
}
