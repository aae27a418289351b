package org.ringfellow.ring.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
import org.ringfellow.api.ring.ResourceQuery;

class DiscoveryTest {

    private static Member member(int i, MemberState state, long milliCpus, long memory, Set<String> drivers,
            Map<String, String> labels) {
        Resources r = new Resources(milliCpus, memory, 0);
        return new Member(NodeId.ofPublicKey(new byte[] {(byte) i}), "m" + i, new Endpoint("10.0.0." + i, 1), 1,
                state, new ResourceAdvert(r, r, drivers, Set.of("bundle"), labels));
    }

    @Test
    void givenAQuery_whenFinding_thenOnlyAliveMatchesComeBestFitFirst() {
        List<Member> view = List.of(
                member(1, MemberState.ALIVE, 1000, 1L << 30, Set.of("runc"), Map.of("zone", "eu")),
                member(2, MemberState.ALIVE, 4000, 8L << 30, Set.of("runc", "docker"), Map.of("zone", "eu")),
                member(3, MemberState.SUSPECT, 8000, 8L << 30, Set.of("runc"), Map.of("zone", "eu")),
                member(4, MemberState.ALIVE, 8000, 8L << 30, Set.of("lxc"), Map.of("zone", "eu")),
                member(5, MemberState.ALIVE, 8000, 8L << 30, Set.of("runc"), Map.of("zone", "us")),
                member(6, MemberState.ALIVE, 500, 8L << 30, Set.of("runc"), Map.of("zone", "eu")));
        ResourceQuery q = QueryParser.parse(List.of("cpus=1", "memory=256m", "driver=runc", "driver=docker",
                "label.zone=eu"));
        List<Member> found = Discovery.find(view, q);
        assertEquals(List.of("m2", "m1"), found.stream().map(Member::name).toList());
    }

    @Test
    void givenBadTerms_whenParsing_thenTheErrorSaysWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QueryParser.parse(List.of("cpus")))
                .getMessage().contains("key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QueryParser.parse(List.of("memory=lots")))
                .getMessage().contains("memory"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QueryParser.parse(List.of("colour=red")))
                .getMessage().contains("unknown term"));
        assertEquals(1500, QueryParser.parse(List.of("cpus=1.5")).minimumFree().milliCpus());
        assertEquals(500, QueryParser.parse(List.of("cpus=500m")).minimumFree().milliCpus());
        assertEquals(2L << 30, QueryParser.parse(List.of("memory=2Gi")).minimumFree().memoryBytes());
    }

    @Test
    void givenAKey_whenPlacing_thenItsSuccessorsAreTheNextAliveIdsAroundTheRing() {
        List<Member> view = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            view.add(member(i, i == 7 ? MemberState.DEAD : MemberState.ALIVE, 1, 1, Set.of(), Map.of()));
        }
        List<Member> three = Discovery.successors(view, "artifact".getBytes(), 3);
        assertEquals(3, three.size());
        assertEquals(three, Discovery.successors(view, "artifact".getBytes(), 3), "placement is stable");
        assertTrue(three.stream().allMatch(m -> m.state() == MemberState.ALIVE));
        assertEquals(19, Discovery.successors(view, "x".getBytes(), 50).size());
    }
}
