package org.ringfellow.ring.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

/** The reachability messages and the record's reachability bits: round trips and bad input. */
class ReachCodecTest {

    private static final LocalIdentity ALICE = LocalIdentity.generate(LocalIdentity.seeded(7));

    @Test
    void givenEachReachabilityMessage_whenEncodedAndDecoded_thenItRoundTrips() throws Exception {
        Message.WhoAmI q = (Message.WhoAmI) Codec.decodeDatagram(
                Codec.encodeDatagram(new Message.WhoAmI(-5, ALICE.id(), List.of())));
        assertEquals(-5, q.nonce());
        assertEquals(ALICE.id(), q.target());
        Message.Observed o = (Message.Observed) Codec.decodeDatagram(
                Codec.encodeDatagram(new Message.Observed(6, new Endpoint("198.51.100.4", 61000), List.of())));
        assertEquals(6, o.nonce());
        assertEquals(new Endpoint("198.51.100.4", 61000), o.observed());
        Message.DialRequest d = (Message.DialRequest) Codec.decodeDatagram(
                Codec.encodeDatagram(new Message.DialRequest(7, new Endpoint("fe80::1", 7946), List.of())));
        assertEquals(new Endpoint("fe80::1", 7946), d.target());
        Message.DialBack b = (Message.DialBack) Codec.decodeDatagram(
                Codec.encodeDatagram(new Message.DialBack(Long.MAX_VALUE, List.of())));
        assertEquals(Long.MAX_VALUE, b.nonce());
        for (Message m : List.of(q, o, d, b)) {
            assertEquals(Codec.headerSize(m), Codec.encodeDatagram(m).length, "header size of " + m);
        }
    }

    @Test
    void givenAnObservedAddressThatIsNotAnIpAddress_whenDecoded_thenItIsMalformed() {
        for (String host : List.of("evil.example", "localhost", "", " ", "1.2.3", "256.1.1.1", "1.2.3.4.5",
                "01.2.3.4x", "::g", "a")) {
            byte[] forged = observedWith(host, 7946);
            DecodeException e = assertThrows(DecodeException.class, () -> Codec.decodeDatagram(forged), host);
            assertEquals("malformed", e.reason(), host);
        }
        assertEquals("malformed", assertThrows(DecodeException.class,
                () -> Codec.decodeDatagram(observedWith("10.0.0.1", 0))).reason(), "port 0");
    }

    @Test
    void givenAHostLongerThanTheLimit_whenDecoded_thenItIsRefused() {
        byte[] forged = observedWith("1".repeat(Limits.MAX_HOST + 1), 1);
        assertThrows(DecodeException.class, () -> Codec.decodeDatagram(forged));
    }

    @Test
    void givenEveryTruncationOfADialRequest_whenDecoded_thenEachIsRefused() {
        byte[] full = Codec.encodeDatagram(new Message.DialRequest(1, new Endpoint("10.1.2.3", 9), List.of()));
        for (int n = 0; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            assertThrows(DecodeException.class, () -> Codec.decodeDatagram(cut), "first " + n + " bytes");
        }
        byte[] longer = java.util.Arrays.copyOf(full, full.length + 1);
        assertThrows(DecodeException.class, () -> Codec.decodeDatagram(longer), "a trailing byte");
    }

    @Test
    void givenANameInsteadOfAnAddress_whenEncodingADialRequest_thenTheEncoderRefusesIt() {
        assertThrows(IllegalArgumentException.class, () -> Codec.encodeDatagram(
                new Message.DialRequest(1, new Endpoint("example.org", 9), List.of())));
    }

    @Test
    void givenEachReachability_whenARecordIsSignedAndDecoded_thenItIsStatedAndTheSignatureHolds() throws Exception {
        SignatureVerifier verifier = new SignatureVerifier(100);
        for (Reach reach : Reach.values()) {
            for (boolean left : new boolean[] {false, true}) {
                MemberRecord r = MemberRecord.sign(ALICE, "a", new Endpoint("10.0.0.1", 7946), 3, left, reach,
                        ResourceAdvert.EMPTY);
                MemberRecord back = MemberRecord.decode(r.encoded());
                assertEquals(reach, back.reach());
                assertEquals(left, back.left());
                assertTrue(back.verify(verifier));
                assertEquals(reach == Reach.UNKNOWN ? null : reach.label(),
                        back.advertForView().labels().get(Reach.LABEL));
            }
        }
    }

    @Test
    void givenARecordWhoseReachabilityWasChanged_whenVerified_thenTheSignatureFails() throws Exception {
        MemberRecord r = MemberRecord.sign(ALICE, "a", new Endpoint("10.0.0.1", 7946), 3, false, Reach.UNREACHABLE,
                ResourceAdvert.EMPTY);
        byte[] b = r.encoded().clone();
        int status = statusOffset(r);
        b[status] = (byte) (Reach.PUBLIC.ordinal() << 1);
        MemberRecord forged = MemberRecord.decode(b);
        assertEquals(Reach.PUBLIC, forged.reach());
        assertFalse(forged.verify(new SignatureVerifier(100)), "a relay cannot restate a member as public");
        b[status] = 8;
        assertEquals("malformed", assertThrows(DecodeException.class, () -> MemberRecord.decode(b)).reason());
    }

    @Test
    void givenAnOwnLabelNamedLikeTheReachability_thenTheStatusBitsWinInTheView() throws Exception {
        ResourceAdvert claims = new ResourceAdvert(org.ringfellow.api.node.Resources.NONE,
                org.ringfellow.api.node.Resources.NONE, java.util.Set.of(), java.util.Set.of(),
                java.util.Map.of(Reach.LABEL, "public", "zone", "eu"));
        MemberRecord unknown = MemberRecord.decode(MemberRecord.sign(ALICE, "a", new Endpoint("10.0.0.1", 7946), 3,
                false, Reach.UNKNOWN, claims).encoded());
        assertEquals(java.util.Map.of("zone", "eu"), unknown.advertForView().labels());
        MemberRecord unreachable = MemberRecord.decode(MemberRecord.sign(ALICE, "a", new Endpoint("10.0.0.1", 7946),
                3, false, Reach.UNREACHABLE, claims).encoded());
        assertEquals("unreachable", unreachable.advertForView().labels().get(Reach.LABEL));
    }

    /** Where the status byte sits: after version, key, name, host, port and incarnation. */
    private static int statusOffset(MemberRecord r) {
        return 1 + 1 + r.publicKey().length + 1 + r.name().length() + 1 + r.address().host().length() + 2 + 8;
    }

    private static byte[] observedWith(String host, int port) {
        byte[] h = host.getBytes(StandardCharsets.UTF_8);
        WireWriter w = new WireWriter(64);
        w.u8('R').u8('F').u8(Limits.VERSION).u8(Codec.OBSERVED).i64(1).u8(h.length).bytes(h).u16(port).u8(0);
        return w.toBytes();
    }
}
