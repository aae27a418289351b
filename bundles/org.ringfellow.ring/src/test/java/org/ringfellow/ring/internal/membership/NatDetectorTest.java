package org.ringfellow.ring.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.ring.internal.codec.Reach;
import org.ringfellow.ring.internal.crypto.LocalIdentity;

/** The detector's rules: who is believed about an observed address, and what a dial-back proves. */
class NatDetectorTest {

    private static final Endpoint LOCAL = new Endpoint("192.168.1.5", 7946);
    private static final Endpoint MAPPING = new Endpoint("203.0.113.9", 7946);
    private static final NodeId A = id(1);
    private static final NodeId B = id(2);
    private static final NodeId C = id(3);
    private static final NodeId D = id(4);
    private static final Endpoint AT_A = new Endpoint("198.51.100.1", 7946);
    private static final Endpoint AT_B = new Endpoint("198.51.100.2", 7946);
    private static final Endpoint AT_C = new Endpoint("198.51.100.3", 7946);

    private static NodeId id(long seed) {
        return LocalIdentity.generate(LocalIdentity.seeded(seed)).id();
    }

    private static NatDetector asking(Object... peers) {
        NatDetector d = new NatDetector();
        Map<Long, NatDetector.Peer> nonces = new LinkedHashMap<>();
        for (int i = 0; i < peers.length; i += 2) {
            nonces.put((long) i, new NatDetector.Peer((NodeId) peers[i], (Endpoint) peers[i + 1]));
        }
        d.observing(nonces);
        return d;
    }

    @Test
    void givenOneReporter_whenItReportsAnAddress_thenNothingIsTrusted() {
        NatDetector d = asking(A, AT_A, B, AT_B);
        assertTrue(d.observed(0, AT_A, new Endpoint("6.6.6.6", 1)));
        assertInstanceOf(NatDetector.Observation.Undecided.class, d.observation(),
                "a single reporter, honest or forged, decides nothing");
    }

    @Test
    void givenTwoHostsThatAgree_thenTheirMappingIsTrusted() {
        NatDetector d = asking(A, AT_A, B, AT_B);
        d.observed(0, AT_A, MAPPING);
        d.observed(2, AT_B, MAPPING);
        assertEquals(new NatDetector.Observation.Mapping(MAPPING), d.observation());
    }

    @Test
    void givenALiarAmongThreeReporters_thenTheHonestMajorityWins() {
        NatDetector d = asking(A, AT_A, B, AT_B, C, AT_C);
        d.observed(0, AT_A, MAPPING);
        d.observed(2, AT_B, new Endpoint("6.6.6.6", 666));
        d.observed(4, AT_C, MAPPING);
        assertEquals(new NatDetector.Observation.Mapping(MAPPING), d.observation());
    }

    @Test
    void givenTwoIdentitiesOnOneHost_whenTheyAgreeOnAForgedAddress_thenTheyCountAsOneWitness() {
        Endpoint sameHostOtherPort = new Endpoint(AT_A.host(), 7947);
        NatDetector d = asking(A, AT_A, D, sameHostOtherPort);
        Endpoint forged = new Endpoint("6.6.6.6", 666);
        d.observed(0, AT_A, forged);
        d.observed(2, sameHostOtherPort, forged);
        assertInstanceOf(NatDetector.Observation.Undecided.class, d.observation());
    }

    @Test
    void givenAReplyFromAnotherAddressOrWithAnUnknownNonce_thenItIsRefused() {
        NatDetector d = asking(A, AT_A, B, AT_B);
        assertFalse(d.observed(0, AT_C, MAPPING), "from an address not asked");
        assertFalse(d.observed(99, AT_A, MAPPING), "unknown nonce");
        assertTrue(d.observed(0, AT_A, MAPPING));
        assertFalse(d.observed(0, AT_A, MAPPING), "a nonce answers once");
    }

    @Test
    void givenEveryHostSeesAnotherPortOfOneAddress_thenTheNatIsSymmetric() {
        NatDetector d = asking(A, AT_A, B, AT_B);
        d.observed(0, AT_A, new Endpoint("203.0.113.9", 20001));
        d.observed(2, AT_B, new Endpoint("203.0.113.9", 20002));
        NatDetector.Observation o = d.observation();
        assertInstanceOf(NatDetector.Observation.Varies.class, o);
        assertEquals(Reach.UNREACHABLE, d.symmetric(((NatDetector.Observation.Varies) o).seen()));
        assertTrue(d.detail().contains("symmetric"), d.detail());
    }

    @Test
    void givenTwoMembersDialBack_thenTheMappingIsReachable_publicWhenItIsTheLocalAddress() {
        NatDetector d = new NatDetector();
        d.dialing(MAPPING, Map.of(1L, A, 2L, B, 3L, C));
        assertTrue(d.dialedBack(1));
        assertEquals(Optional.empty(), d.concludeDial(LOCAL), "one dial-back proves nothing");
        assertTrue(d.dialedBack(3));
        assertFalse(d.dialedBack(3), "a nonce counts once");
        assertFalse(d.dialedBack(77), "an unknown nonce counts never");
        assertEquals(Optional.of(Reach.NAT_MAPPED), d.concludeDial(LOCAL));
        assertEquals(Optional.of(MAPPING), d.mapping());

        NatDetector pub = new NatDetector();
        pub.dialing(LOCAL, Map.of(1L, A, 2L, B));
        pub.dialedBack(1);
        pub.dialedBack(2);
        assertEquals(Optional.of(Reach.PUBLIC), pub.concludeDial(LOCAL));
    }

    @Test
    void givenNoDialBackGetsThrough_thenTheMemberIsUnreachable() {
        NatDetector d = new NatDetector();
        d.dialing(MAPPING, Map.of(1L, A, 2L, B));
        assertEquals(Optional.of(Reach.UNREACHABLE), d.concludeDial(LOCAL));
        assertEquals(Optional.empty(), d.mapping());
        assertTrue(d.detail().contains("relay"), d.detail());

        NatDetector alone = new NatDetector();
        alone.dialing(MAPPING, Map.of(1L, A));
        assertEquals(Optional.empty(), alone.concludeDial(LOCAL), "one silent member proves nothing either");
        assertEquals(Reach.UNKNOWN, alone.verdict());
    }
}
