package org.ringfellow.ring.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.ring.internal.codec.Codec;
import org.ringfellow.ring.internal.codec.Message;
import org.ringfellow.ring.internal.codec.Reach;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.sim.SimCluster;
import org.ringfellow.ring.internal.sim.SimNat;

/**
 * Reachability detection on the simulated network, with members behind each kind of NAT the
 * simulator models: each member classifies itself, and forged or flooding requests are refused.
 */
class ReachabilitySimulationTest {

    private static final RingConfig LAN = RingConfig.defaultLanConfig();
    private static final Endpoint CONE = new Endpoint("100.64.0.1", 7946);

    private SimCluster ring(long seed) {
        SimCluster c = new SimCluster(LAN, seed);
        List<SimCluster.Node> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SimCluster.Node n = c.add();
            n.detectReachability = true;
            nodes.add(n);
        }
        c.network().placeBehind(c.node(3).address, c.network().addNat(CONE.host(), SimNat.Type.FULL_CONE));
        c.network().placeBehind(c.node(4).address, c.network().addNat("100.64.0.2", SimNat.Type.PORT_RESTRICTED));
        c.network().placeBehind(c.node(5).address, c.network().addNat("100.64.0.3", SimNat.Type.SYMMETRIC));
        for (SimCluster.Node n : nodes) {
            n.start();
            if (n.index > 0) {
                n.join(c.node(0).address);
            }
            c.clock().advance(50);
        }
        return c;
    }

    private static Reach reach(SimCluster.Node n) {
        return n.swim.selfRecord().reach();
    }

    @Test
    void givenMembersBehindEachKindOfNat_whenTheyCheck_thenEachClassifiesItselfAndAdvertisesIt() {
        SimCluster c = ring(21);
        assertTrue(c.clock().runUntil(() -> c.nodes().stream().allMatch(n -> reach(n) != Reach.UNKNOWN), 100,
                120_000), "every member decides");
        for (int i = 0; i < 3; i++) {
            SimCluster.Node p = c.node(i);
            assertEquals(Reach.PUBLIC, reach(p), "public member " + i + ": " + p.swim.reachability().detail());
            assertEquals(p.address, p.swim.selfRecord().address(), "a public member keeps its address");
        }
        SimCluster.Node cone = c.node(3);
        assertEquals(Reach.NAT_MAPPED, reach(cone), cone.swim.reachability().detail());
        assertEquals(CONE, cone.swim.selfRecord().address(), "it advertises its mapping");
        SimCluster.Node restricted = c.node(4);
        assertEquals(Reach.UNREACHABLE, reach(restricted), restricted.swim.reachability().detail());
        assertTrue(restricted.swim.reachability().detail().contains("filters"), restricted.swim.reachability().detail());
        SimCluster.Node symmetric = c.node(5);
        assertEquals(Reach.UNREACHABLE, reach(symmetric), symmetric.swim.reachability().detail());
        assertTrue(symmetric.swim.reachability().detail().contains("symmetric"),
                symmetric.swim.reachability().detail());

        // The others learn it from the signed record: the mapping as address, the verdict as a label.
        assertTrue(c.clock().runUntil(() -> c.node(0).swim.member(cone.identity.id())
                .filter(m -> m.address().equals(CONE) && m.state() == MemberState.ALIVE).isPresent(), 100, 60_000),
                "member 0 reaches the NAT-mapped member at its mapping");
        assertEquals("nat-mapped", c.node(0).swim.member(cone.identity.id()).orElseThrow().advert().labels()
                .get(Reach.LABEL));
        assertTrue(c.clock().runUntil(() -> "public".equals(c.node(1).swim.member(c.node(2).identity.id())
                .orElseThrow().advert().labels().get(Reach.LABEL)), 100, 60_000), "the others learn a public member's");
    }

    @Test
    void givenADialRequestForAnotherHost_thenNothingIsSentThereAndItIsCounted() {
        SimCluster c = ring(22);
        Endpoint attacker = new Endpoint("10.9.9.9", 7946);
        Endpoint victim = new Endpoint("10.8.8.8", 80);
        List<Endpoint> toVictim = new ArrayList<>();
        c.network().setTap((at, from, to, payload) -> {
            if (to.host().equals(victim.host())) {
                toVictim.add(to);
            }
        });
        SimCluster.Node target = c.node(0);
        c.network().inject(attacker, target.address,
                Codec.encodeDatagram(new Message.DialRequest(1, victim, List.of())));
        c.clock().advance(1_000);
        assertEquals(List.of(), toVictim, "no datagram to a host the request did not come from");
        assertEquals(1, target.swim.counters().drops("dialback-foreign-host"));
    }

    @Test
    void givenForgedObservationsAndDialBacks_thenTheyAreCountedAndChangeNothing() {
        SimCluster c = ring(23);
        SimCluster.Node target = c.node(0);
        Endpoint attacker = new Endpoint("10.9.9.9", 7946);
        for (int i = 0; i < 5; i++) {
            c.network().inject(attacker, target.address, Codec.encodeDatagram(
                    new Message.Observed(i, new Endpoint("6.6.6.6", 666), List.of())));
            c.network().inject(attacker, target.address, Codec.encodeDatagram(new Message.DialBack(i, List.of())));
        }
        assertTrue(c.clock().runUntil(() -> reach(target) != Reach.UNKNOWN, 100, 120_000));
        assertEquals(5, target.swim.counters().drops("observed-unsolicited"));
        assertEquals(5, target.swim.counters().drops("dialback-unsolicited"));
        assertEquals(Reach.PUBLIC, reach(target));
        assertEquals(target.address, target.swim.selfRecord().address());
    }

    @Test
    void givenAFloodOfWhoAmIRequests_thenAnswersAreBoundedPerSecondAndTheRestCounted() {
        SimCluster c = ring(24);
        SimCluster.Node target = c.node(0);
        Endpoint attacker = new Endpoint("10.9.9.9", 7946);
        int[] answers = {0};
        c.network().setTap((at, from, to, payload) -> {
            if (to.equals(attacker)) {
                answers[0]++;
            }
        });
        // All within one simulated millisecond, so within one second's budget.
        for (int i = 0; i < 200; i++) {
            c.network().inject(attacker, target.address, Codec.encodeDatagram(
                    new Message.WhoAmI(i, target.identity.id(), List.of())));
        }
        c.clock().advance(100);
        assertEquals(Swim.REACH_ANSWERS_PER_SECOND, answers[0]);
        assertEquals(200 - Swim.REACH_ANSWERS_PER_SECOND, target.swim.counters().drops("reach-rate"));
    }
}
