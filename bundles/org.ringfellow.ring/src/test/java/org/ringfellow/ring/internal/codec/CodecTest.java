package org.ringfellow.ring.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

class CodecTest {

    private static final LocalIdentity ALICE = LocalIdentity.generate(LocalIdentity.seeded(1));
    private static final LocalIdentity BOB = LocalIdentity.generate(LocalIdentity.seeded(2));
    private static final ResourceAdvert ADVERT = new ResourceAdvert(new Resources(4000, 8L << 30, 100L << 30),
            new Resources(2000, 4L << 30, 50L << 30), Set.of("runc", "docker"), Set.of("bundle"),
            Map.of("zone", "eu", "owner", "alice"));
    private final SignatureVerifier verifier = new SignatureVerifier(1000);

    private static MemberRecord record() {
        return MemberRecord.sign(ALICE, "alice", new Endpoint("192.168.1.10", 7946), 42, false, ADVERT);
    }

    private List<byte[]> samples() {
        MemberRecord r = record();
        Accusation a = Accusation.sign(BOB, ALICE.id(), 42, MemberState.SUSPECT);
        List<byte[]> out = new ArrayList<>();
        out.add(Codec.encodeDatagram(new Message.Ping(7, ALICE.id(), List.of(r, a))));
        out.add(Codec.encodeDatagram(new Message.PingReq(8, ALICE.id(), new Endpoint("10.0.0.1", 1), List.of(a))));
        out.add(Codec.encodeDatagram(new Message.Ack(9, List.of(r))));
        out.add(Codec.encodeDatagram(new Message.Nack(10, List.of())));
        out.add(Codec.encodeDatagram(new Message.Gossip(List.of(a, r))));
        out.add(Codec.encodeDatagram(new Message.WhoAmI(11, ALICE.id(), List.of(r))));
        out.add(Codec.encodeDatagram(new Message.Observed(12, new Endpoint("203.0.113.7", 40000), List.of(a))));
        out.add(Codec.encodeDatagram(new Message.DialRequest(13, new Endpoint("2001:db8::7", 7946), List.of())));
        out.add(Codec.encodeDatagram(new Message.DialBack(14, List.of())));
        return out;
    }

    @Test
    void givenEveryMessage_whenEncodedAndDecoded_thenItRoundTripsAndStillVerifies() throws Exception {
        MemberRecord r = record();
        Accusation a = Accusation.sign(BOB, ALICE.id(), 42, MemberState.DEAD);
        Message.Ping ping = (Message.Ping) Codec.decodeDatagram(
                Codec.encodeDatagram(new Message.Ping(7, ALICE.id(), List.of(r, a))));
        assertEquals(7, ping.seq());
        assertEquals(ALICE.id(), ping.target());
        MemberRecord r2 = (MemberRecord) ping.updates().get(0);
        Accusation a2 = (Accusation) ping.updates().get(1);
        assertEquals(ALICE.id(), r2.id());
        assertEquals(ADVERT, r2.advert());
        assertEquals(42, r2.incarnation());
        assertTrue(r2.verify(verifier));
        assertTrue(a2.verify(verifier, BOB.publicKey()));
        assertEquals(MemberState.DEAD, a2.state());
        Message.PushPull pp = Codec.decodeStream(Codec.encodeStream(new Message.PushPull(true, List.of(r), List.of(a))));
        assertTrue(pp.join());
        assertArrayEquals(r.encoded(), pp.records().get(0).encoded());
        for (byte[] sample : samples()) {
            assertTrue(sample.length <= Limits.MAX_DATAGRAM);
            Codec.decodeDatagram(sample);
        }
    }

    @Test
    void givenAnyTruncation_whenDecoded_thenOnlyDecodeExceptionComesOut() {
        for (byte[] sample : samples()) {
            for (int len = 0; len < sample.length; len++) {
                byte[] cut = Arrays.copyOf(sample, len);
                assertThrows(DecodeException.class, () -> Codec.decodeDatagram(cut), "length " + len);
            }
        }
    }

    @Test
    void givenOversizedInput_whenDecoded_thenItIsDroppedAsOversized() {
        DecodeException e = assertThrows(DecodeException.class,
                () -> Codec.decodeDatagram(new byte[Limits.MAX_DATAGRAM + 1]));
        assertEquals("oversized", e.reason());
        // A record length field far beyond the record bound.
        byte[] bad = {'R', 'F', 1, 5, 1, 1, (byte) 0xff, (byte) 0xff};
        assertEquals("oversized", assertThrows(DecodeException.class, () -> Codec.decodeDatagram(bad)).reason());
        byte[] manyUpdates = {'R', 'F', 1, 5, (byte) 200};
        assertEquals("oversized", assertThrows(DecodeException.class, () -> Codec.decodeDatagram(manyUpdates))
                .reason());
        byte[] hugeCount = {'R', 'F', 1, 10, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertEquals("oversized", assertThrows(DecodeException.class, () -> Codec.decodeStream(hugeCount)).reason());
    }

    @Test
    void givenWrongMagicVersionOrType_whenDecoded_thenEachHasItsReason() {
        assertEquals("bad-magic", assertThrows(DecodeException.class,
                () -> Codec.decodeDatagram(new byte[] {'X', 'F', 1, 1})).reason());
        assertEquals("unsupported-version", assertThrows(DecodeException.class,
                () -> Codec.decodeDatagram(new byte[] {'R', 'F', 9, 1})).reason());
        assertEquals("unknown-type", assertThrows(DecodeException.class,
                () -> Codec.decodeDatagram(new byte[] {'R', 'F', 1, 99})).reason());
    }

    @Test
    void givenRandomGarbageAndMutations_whenDecoded_thenNothingButDecodeExceptionEscapes() {
        Random random = new Random(12345);
        List<byte[]> samples = samples();
        Map<String, Integer> reasons = new HashMap<>();
        int decoded = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] input;
            if (i % 3 == 0) {
                input = new byte[random.nextInt(1600)];
                random.nextBytes(input);
                if (random.nextBoolean() && input.length > 4) {
                    input[0] = 'R';
                    input[1] = 'F';
                    input[2] = 1;
                    input[3] = (byte) (1 + random.nextInt(5));
                }
            } else {
                byte[] s = samples.get(random.nextInt(samples.size()));
                input = Arrays.copyOf(s, Math.max(1, s.length + random.nextInt(9) - 4));
                for (int f = 1 + random.nextInt(4); f > 0; f--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                Codec.decodeDatagram(input);
                decoded++;
            } catch (DecodeException e) {
                reasons.merge(e.reason(), 1, Integer::sum);
            } catch (RuntimeException e) {
                fail("decoder threw " + e + " for input of " + input.length + " bytes");
            }
            try {
                Codec.decodeStream(input);
            } catch (DecodeException e) {
                // expected
            } catch (RuntimeException e) {
                fail("stream decoder threw " + e);
            }
        }
        assertTrue(reasons.getOrDefault("malformed", 0) > 0, reasons.toString());
        assertTrue(decoded < 30_000);
    }

    @Test
    void givenATamperedRecord_whenVerified_thenItFails() throws Exception {
        byte[] enc = record().encoded().clone();
        enc[enc.length - 70] ^= 1; // inside the signed part (labels), keeps the structure valid
        MemberRecord tampered = MemberRecord.decode(enc);
        assertTrue(!tampered.verify(verifier));
        byte[] sig = record().encoded().clone();
        sig[sig.length - 1] ^= 1;
        assertTrue(!MemberRecord.decode(sig).verify(verifier));
    }

    @Test
    void givenAHugeAdvert_whenSigned_thenTheRecordIsTrimmedToFitADatagram() {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            labels.put("label-key-number-" + i, "x".repeat(60));
        }
        MemberRecord r = MemberRecord.sign(ALICE, "n".repeat(200), new Endpoint("10.0.0.1", 1), 1, false,
                new ResourceAdvert(Resources.NONE, Resources.NONE, Set.of("a", "b"), Set.of(), labels));
        assertTrue(r.encoded().length <= Limits.MAX_RECORD);
        assertTrue(r.verify(verifier));
        assertTrue(r.name().length() <= Limits.MAX_NAME);
    }
}
