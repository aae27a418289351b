package org.ringfellow.ring.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.codec.Accusation;
import org.ringfellow.ring.internal.codec.Codec;
import org.ringfellow.ring.internal.codec.MemberRecord;
import org.ringfellow.ring.internal.codec.Message;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.sim.SimCluster;

/** Nobody can speak for a key it does not hold: forged records and accusations are dropped and counted. */
class ForgeryTest {

    /** Claims someone else's public key but signs with its own private key. */
    private static NodeIdentity impostor(NodeIdentity victim, NodeIdentity attacker) {
        return new NodeIdentity() {
            @Override
            public NodeId id() {
                return victim.id();
            }

            @Override
            public byte[] publicKey() {
                return victim.publicKey();
            }

            @Override
            public byte[] sign(byte[] data) {
                return attacker.sign(data);
            }

            @Override
            public boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
                return false;
            }
        };
    }

    private static byte[] gossip(Object... updates) {
        List<org.ringfellow.ring.internal.codec.Update> list = new java.util.ArrayList<>();
        for (Object u : updates) {
            list.add((org.ringfellow.ring.internal.codec.Update) u);
        }
        return Codec.encodeDatagram(new Message.Gossip(list));
    }

    @Test
    void givenADeadMember_whenAnAttackerForgesItsRevival_thenTheRecordIsDroppedAndItStaysDead() {
        SimCluster c = new SimCluster(RingConfig.defaultLanConfig(), 21);
        c.grow(6, 50);
        assertTrue(c.clock().runUntil(c::converged, 100, 30_000));
        SimCluster.Node victim = c.node(4);
        MemberRecord old = victim.swim.selfRecord();
        victim.crash();
        assertTrue(c.clock().runUntil(() -> c.countSeeing(victim, MemberState.DEAD) == c.running(victim), 100,
                120_000));
        LocalIdentity attacker = LocalIdentity.generate(LocalIdentity.seeded(99));
        MemberRecord forged = MemberRecord.sign(impostor(victim.identity, attacker), "n4",
                new Endpoint("6.6.6.6", 7946), old.incarnation() + 1_000, false, ResourceAdvert.EMPTY);
        SimCluster.Node target = c.node(1);
        c.network().inject(new Endpoint("6.6.6.6", 7946), target.address, gossip(forged));
        // Replaying the victim's genuine old record cannot revive it either: its incarnation was accused.
        c.network().inject(new Endpoint("6.6.6.6", 7946), target.address, gossip(old));
        c.clock().advance(5_000);
        assertEquals(1, target.swim.counters().drops("bad-signature"));
        assertEquals(MemberState.DEAD, target.stateOf(victim));
        assertEquals(0, c.countSeeing(victim, MemberState.ALIVE));
    }

    @Test
    void givenForgedAccusations_whenGossiped_thenTheyAreDroppedAndNobodyIsSuspected() {
        SimCluster c = new SimCluster(RingConfig.defaultLanConfig(), 22);
        c.grow(6, 50);
        assertTrue(c.clock().runUntil(c::converged, 100, 30_000));
        SimCluster.Node victim = c.node(2);
        SimCluster.Node framed = c.node(3);
        SimCluster.Node target = c.node(1);
        LocalIdentity attacker = LocalIdentity.generate(LocalIdentity.seeded(98));
        long inc = victim.swim.incarnation();
        // Signed by the attacker in the name of a real member.
        Accusation framedAccusation = Accusation.sign(impostor(framed.identity, attacker), victim.identity.id(), inc,
                MemberState.DEAD);
        // Signed honestly by someone the ring does not know.
        Accusation stranger = Accusation.sign(attacker, victim.identity.id(), inc, MemberState.SUSPECT);
        Endpoint evil = new Endpoint("6.6.6.6", 7946);
        c.network().inject(evil, target.address, gossip(framedAccusation));
        c.network().inject(evil, target.address, gossip(stranger));
        c.network().inject(evil, target.address, new byte[] {'R', 'F', 1, 5, 3, 9, 9});
        c.clock().advance(5_000);
        assertEquals(1, target.swim.counters().drops("bad-signature"));
        assertEquals(1, target.swim.counters().drops("unknown-accuser"));
        assertEquals(1, target.swim.counters().drops("malformed"));
        assertEquals(c.running(victim), c.countSeeing(victim, MemberState.ALIVE));
        assertTrue(target.swim.running());
    }
}
