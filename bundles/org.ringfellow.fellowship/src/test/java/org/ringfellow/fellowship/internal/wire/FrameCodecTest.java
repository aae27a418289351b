package org.ringfellow.fellowship.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.TestIdentity;

class FrameCodecTest {

    static final FellowshipId F = new FellowshipId("codec.test-1");

    static Frame roundTrip(Frame f) throws MalformedFrameException {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(f, buf);
        return FrameCodec.decode(buf);
    }

    static byte[] bytes(Frame f) {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(f, buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    static Roster roster(TestIdentity... ids) {
        List<FellowshipMember> members = java.util.Arrays.stream(ids).map(i -> new FellowshipMember(i.id(),
                Base64.getEncoder().encodeToString(i.publicKey()), new Endpoint("10.0.0.1", 7790))).toList();
        return new Roster(F, 7, 3, ids[0].id(), members);
    }

    @Test
    void givenEveryFrameType_whenEncodedAndDecoded_thenTheSameValuesComeBack() throws Exception {
        TestIdentity a = new TestIdentity();
        TestIdentity b = new TestIdentity();
        FellowshipSpec spec = new FellowshipSpec(F, 3, new ResourceQuery(new Resources(500, 1 << 20, 2 << 20),
                Set.of("runc", "lxc"), Set.of("bundle"), Map.of("zone", "eu"), Set.of(), 50), new Resources(1, 2, 3),
                Duration.ofSeconds(7));
        Frame.Invite invite = (Frame.Invite) roundTrip(new Frame.Invite(spec, a.id(), 42, new byte[64]));
        assertEquals(spec, invite.spec());
        assertEquals(a.id(), invite.founder());
        assertEquals(42, invite.correlation());

        assertEquals(new Frame.Answer(9, true, "", "127.0.0.1", 4000).toString(),
                roundTrip(new Frame.Answer(9, true, "", "127.0.0.1", 4000)).toString());
        byte[] voteA = new byte[64];
        voteA[0] = 1;
        Frame.RosterUpdate ru = (Frame.RosterUpdate) roundTrip(new Frame.RosterUpdate(roster(a, b), new byte[64],
                java.util.Map.of(a.id(), voteA, b.id(), new byte[64])));
        assertEquals(roster(a, b).members(), ru.roster().members());
        assertEquals(java.util.Set.of(a.id(), b.id()), ru.votes().keySet());
        assertArrayEquals(voteA, ru.votes().get(a.id()));
        assertEquals(7, ru.roster().version());
        assertEquals(3, ru.roster().epoch());
        Frame.Message m = (Frame.Message) roundTrip(new Frame.Message(F, 3, Frame.Message.Kind.REQUEST, "topic", 5,
                new byte[] {1, 2, 3}));
        assertEquals(Frame.Message.Kind.REQUEST, m.kind());
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
        assertEquals(new Frame.Leave(F, 2, 5, 3), roundTrip(new Frame.Leave(F, 2, 5, 3)));
        assertEquals(new Frame.Leave(F, 2, 5, Frame.Leave.UNKNOWN_VOTE),
                roundTrip(new Frame.Leave(F, 2, 5, Frame.Leave.UNKNOWN_VOTE)));
        assertEquals(new Frame.Dissolve(F, 2), roundTrip(new Frame.Dissolve(F, 2)));
        assertEquals(new Frame.VoteRequest(F, 4, 3, 9), roundTrip(new Frame.VoteRequest(F, 4, 3, 9)));
        Frame.Vote v = (Frame.Vote) roundTrip(new Frame.Vote(F, 4, true, voteA));
        assertEquals(4, v.epoch());
        assertTrue(v.granted());
        assertArrayEquals(voteA, v.signature());
        assertEquals(new Frame.Ack(F, 4, 9), roundTrip(new Frame.Ack(F, 4, 9)));
    }

    @Test
    void givenDamagedFrames_whenDecoded_thenEachIsMalformedNeverAnotherException() throws MalformedFrameException {
        byte[] good = bytes(new Frame.Message(F, 1, Frame.Message.Kind.SEND, "t", 0, new byte[10]));
        // Every truncation of a good frame.
        for (int n = 0; n < good.length; n++) {
            ByteBuf cut = Unpooled.wrappedBuffer(good, 0, n);
            assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(cut), "cut at " + n);
        }
        // Trailing bytes.
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(Unpooled.wrappedBuffer(longer)));
        // Unknown version and type.
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(Unpooled.wrappedBuffer(new byte[] {(byte) (FrameCodec.VERSION + 1), 4})));
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(Unpooled.wrappedBuffer(
                new byte[] {FrameCodec.VERSION, 99})));
        // A payload length larger than the frame, and a negative one.
        ByteBuf lying = Unpooled.buffer().writeByte(FrameCodec.VERSION).writeByte(4);
        writeString(lying, F.value());
        lying.writeLong(1).writeByte(0);
        writeString(lying, "t");
        lying.writeLong(0).writeInt(1 << 30);
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(lying));
        // An invalid fellowship id.
        ByteBuf badId = Unpooled.buffer().writeByte(FrameCodec.VERSION).writeByte(5);
        writeString(badId, "Not Valid!");
        badId.writeLong(1);
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(badId));
        // A leave whose last vote is below the epoch of the roster it held, or of no roster.
        for (long[] bad : new long[][] {{3, 1, 2}, {0, 1, 1}, {1, 0, 1}}) {
            ByteBuf leave = Unpooled.buffer().writeByte(FrameCodec.VERSION).writeByte(5);
            writeString(leave, F.value());
            leave.writeLong(bad[0]).writeLong(bad[1]).writeLong(bad[2]);
            assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(leave), java.util.Arrays.toString(bad));
        }
        // A vote request from no roster, or for an epoch not past its roster's, or far past it.
        for (long[] bad : new long[][] {{2, 0, 1}, {2, 1, 0}, {3, 3, 5}, {2, 4, 5}, {(1L << 20) + 2, 1, 1}, {Long.MAX_VALUE, 1, 1}}) {
            ByteBuf ask = Unpooled.buffer().writeByte(FrameCodec.VERSION).writeByte(7);
            writeString(ask, F.value());
            ask.writeLong(bad[0]).writeLong(bad[1]).writeLong(bad[2]);
            assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(ask), java.util.Arrays.toString(bad));
        }
        ByteBuf fine = Unpooled.buffer().writeByte(FrameCodec.VERSION).writeByte(7);
        writeString(fine, F.value());
        fine.writeLong((1L << 20) + 1).writeLong(1).writeLong(1);
        assertEquals(new Frame.VoteRequest(F, (1L << 20) + 1, 1, 1), FrameCodec.decode(fine));
        // An over-long topic.
        ByteBuf topic = Unpooled.buffer().writeByte(FrameCodec.VERSION).writeByte(4);
        writeString(topic, F.value());
        topic.writeLong(1).writeByte(0);
        writeString(topic, "x".repeat(129));
        topic.writeLong(0).writeInt(0);
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(topic));
    }

    @Test
    void givenAStringThatIsNotUtf8_whenDecoded_thenMalformedNotWidenedPastItsBound() {
        // A topic of 128 bytes of 0xff: leniently decoded it became 128 U+FFFD, 384 bytes when sent on.
        byte[] good = bytes(new Frame.Message(F, 1, Frame.Message.Kind.SEND, "x".repeat(128), 0, new byte[1]));
        byte[] bad = good.clone();
        String text = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("x".repeat(128));
        java.util.Arrays.fill(bad, at, at + 128, (byte) 0xff);
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(Unpooled.wrappedBuffer(bad)));
    }

    @Test
    void givenARosterWhoseKeyDoesNotHashToItsNodeId_whenDecoded_thenMalformed() {
        TestIdentity a = new TestIdentity();
        TestIdentity b = new TestIdentity();
        Roster forged = new Roster(F, 1, 1, a.id(), List.of(new FellowshipMember(a.id(),
                Base64.getEncoder().encodeToString(b.publicKey()), new Endpoint("h", 1))));
        byte[] enc = bytes(new Frame.RosterUpdate(forged, new byte[64]));
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(Unpooled.wrappedBuffer(enc)));
    }

    @Test
    void givenRandomBytes_whenDecoded_thenOnlyMalformedFrameExceptionIsEverThrown() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            if (junk.length > 0) {
                junk[0] = FrameCodec.VERSION; // the right version, so the decoder goes further
            }
            if (junk.length > 1) {
                junk[1] = (byte) (1 + random.nextInt(9));
            }
            try {
                FrameCodec.decode(Unpooled.wrappedBuffer(junk));
            } catch (MalformedFrameException expected) {
                // fine
            }
        }
    }

    private static void writeString(ByteBuf out, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeShort(b.length).writeBytes(b);
    }
}
