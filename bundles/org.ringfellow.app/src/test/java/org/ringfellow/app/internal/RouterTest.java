package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.RingView;
import org.ringfellow.container.tck.InMemoryNode;

class RouterTest {

    final EngineThreadsTest.SnapshotRing ring = new EngineThreadsTest.SnapshotRing();
    final NodeId self = new NodeId(InMemoryNode.randomId());
    final Member me = EngineThreadsTest.member(self, "me", MemberState.ALIVE, Map.of(Labels.APPS, "calc"));
    final Router router = new Router(ring, self);

    static Member runner(String name, MemberState state, String apps, String http) {
        return EngineThreadsTest.member(new NodeId(InMemoryNode.randomId()), name, state,
                http == null ? Map.of(Labels.APPS, apps) : Map.of(Labels.APPS, apps, Labels.HTTP, http));
    }

    @Test
    void givenOneSnapshot_whenManyRequestsPick_thenTheIndexIsBuiltOnceAndOnlyLiveOthersWithAnIngressArePicked() {
        Member b = runner("b", MemberState.ALIVE, "calc,wiki", "8182");
        Member c = runner("c", MemberState.ALIVE, "calc", null);
        Member d = runner("d", MemberState.DEAD, "calc", "8184");
        ring.view = RingView.of(7, me, List.of(me, b, c, d));
        for (int i = 0; i < 100; i++) {
            assertEquals(b, router.pick("calc").orElseThrow().member());
            assertEquals(8182, router.pick("calc").orElseThrow().httpPort());
        }
        assertEquals(1, router.builds());
        assertEquals(List.of(b, c).stream().sorted(java.util.Comparator.comparing(Member::id)).toList(),
                router.runners("calc").stream().map(Router.Runner::member).toList());
        assertEquals(List.of(b), router.runners("wiki").stream().map(Router.Runner::member).toList());
    }

    @Test
    void givenANewSnapshot_whenPicked_thenTheIndexFollowsIt() {
        Member b = runner("b", MemberState.ALIVE, "calc", "8182");
        ring.view = RingView.of(1, me, List.of(me, b));
        assertTrue(router.pick("calc").isPresent());
        ring.view = RingView.of(2, me, List.of(me, runner("b2", MemberState.ALIVE, "wiki", "8182")));
        assertTrue(router.pick("calc").isEmpty());
        assertEquals(2, router.builds());
    }

    @Test
    void givenTheRingIsDown_whenPicked_thenNoCandidate() {
        ring.view = RingView.EMPTY;
        assertTrue(router.pick("calc").isEmpty());
        assertEquals(List.of(), router.runners("calc"));
    }

    @Test
    void givenRequestsOutstanding_whenPicked_thenTheRunnerWithTheFewestIsChosenAndIdleOnesShare() {
        Member b = runner("b", MemberState.ALIVE, "calc", "8182");
        Member c = runner("c", MemberState.ALIVE, "calc", "8183");
        ring.view = RingView.of(3, me, List.of(me, b, c));
        Router.Runner rb = router.runners("calc").stream().filter(r -> r.member().equals(b)).findFirst().orElseThrow();
        router.begin(rb);
        for (int i = 0; i < 100; i++) {
            assertEquals(c, router.pick("calc").orElseThrow().member(), "b has a request outstanding");
        }
        router.end(rb);
        assertEquals(0, router.outstanding(b.id()));
        java.util.Set<Member> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(router.pick("calc").orElseThrow().member());
        }
        assertEquals(java.util.Set.of(b, c), seen);
    }
}
