package org.ringfellow.fellowship.internal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.time.Duration;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;

/**
 * The binary wire format, version 1. A frame on the wire is a 4-byte big-endian length and that
 * many bytes: a version byte, a type byte and the fields. Every length field has a hard bound;
 * a frame that breaks one, has trailing bytes or an unknown type is malformed.
 */
public final class FrameCodec {

    /** The largest frame body: the largest payload plus room for a full roster and headers. */
    public static final int MAX_FRAME = FellowshipService.MAX_PAYLOAD + (256 << 10);
    public static final byte VERSION = 4;
    static final int MAX_TOPIC = 128;
    /**
     * How far past the candidate's roster a vote request's epoch may be: a candidate stands one
     * epoch past the highest it saw, every few seconds at most, and gives the fellowship up after a
     * minute without an acting coordinator, so a larger jump is no honest request (it would let a
     * member push every voter's epochs towards overflow).
     */
    static final long MAX_EPOCH_JUMP = 1L << 20;
    /** The bytes of a message frame besides its fellowship id, topic and payload. */
    public static final int MESSAGE_OVERHEAD = 1 + 1 + 2 + 8 + 1 + 2 + 8 + 4;
    static final int MAX_TEXT = 1024;
    static final int MAX_KEY = 128;
    static final int MAX_LABELS = 64;

    private static final byte INVITE = 1;
    private static final byte ANSWER = 2;
    private static final byte ROSTER = 3;
    private static final byte MESSAGE = 4;
    private static final byte LEAVE = 5;
    private static final byte DISSOLVE = 6;
    private static final byte VOTE_REQUEST = 7;
    private static final byte VOTE = 8;
    private static final byte ACK = 9;

    private FrameCodec() {
    }

    /** Writes a frame's body (without the length prefix). */
    public static void encode(Frame frame, ByteBuf out) {
        out.writeByte(VERSION);
        if (frame instanceof Frame.Invite f) {
            out.writeByte(INVITE);
            writeInviteBody(f, out);
            writeBytes(out, f.signature());
        } else if (frame instanceof Frame.Answer f) {
            out.writeByte(ANSWER);
            out.writeLong(f.correlation());
            out.writeBoolean(f.accepted());
            writeString(out, f.reason());
            writeString(out, f.host());
            out.writeShort(f.port());
        } else if (frame instanceof Frame.RosterUpdate f) {
            out.writeByte(ROSTER);
            writeRoster(f.roster(), out);
            writeBytes(out, f.signature());
            out.writeShort(f.votes().size());
            f.votes().forEach((voter, sig) -> {
                writeNode(out, voter);
                writeBytes(out, sig);
            });
        } else if (frame instanceof Frame.Message f) {
            out.writeByte(MESSAGE);
            writeString(out, f.fellowship().value());
            out.writeLong(f.epoch());
            out.writeByte(f.kind().ordinal());
            writeString(out, f.topic());
            out.writeLong(f.correlation());
            out.writeInt(f.payload().length);
            out.writeBytes(f.payload());
        } else if (frame instanceof Frame.Leave f) {
            out.writeByte(LEAVE);
            writeString(out, f.fellowship().value());
            out.writeLong(f.epoch());
            out.writeLong(f.version());
            out.writeLong(f.votedEpoch());
        } else if (frame instanceof Frame.Dissolve f) {
            out.writeByte(DISSOLVE);
            writeString(out, f.fellowship().value());
            out.writeLong(f.epoch());
        } else if (frame instanceof Frame.VoteRequest f) {
            out.writeByte(VOTE_REQUEST);
            writeString(out, f.fellowship().value());
            out.writeLong(f.epoch());
            out.writeLong(f.rosterEpoch());
            out.writeLong(f.rosterVersion());
        } else if (frame instanceof Frame.Vote f) {
            out.writeByte(VOTE);
            writeString(out, f.fellowship().value());
            out.writeLong(f.epoch());
            out.writeBoolean(f.granted());
            writeBytes(out, f.signature());
        } else if (frame instanceof Frame.Ack f) {
            out.writeByte(ACK);
            writeString(out, f.fellowship().value());
            out.writeLong(f.epoch());
            out.writeLong(f.version());
        } else {
            throw new IllegalArgumentException("unknown frame " + frame);
        }
    }

    /** Reads a frame body; consumes the whole buffer. */
    public static Frame decode(ByteBuf in) throws MalformedFrameException {
        return decode(in, null);
    }

    /**
     * Reads a frame body; consumes the whole buffer.
     *
     * @param in the body
     * @param expected the fellowship the connection is for, or null: a frame naming it gets this
     *     instance instead of a newly parsed and validated id
     * @return the frame
     */
    public static Frame decode(ByteBuf in, FellowshipId expected) throws MalformedFrameException {
        try {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new MalformedFrameException("unknown wire version " + version);
            }
            byte type = in.readByte();
            Frame f = switch (type) {
                case INVITE -> {
                    FellowshipId id = readFellowship(in, expected);
                    NodeId founder = readNode(in);
                    long corr = in.readLong();
                    int size = in.readUnsignedShort();
                    if (size < 1 || size > FellowshipSpec.MAX_SIZE) {
                        throw new MalformedFrameException("fellowship size out of range");
                    }
                    Resources minimum = readResources(in);
                    Set<String> drivers = readSet(in);
                    Set<String> runtimes = readSet(in);
                    Map<String, String> labels = readLabels(in);
                    int limit = in.readInt();
                    Resources reservation = readResources(in);
                    long timeout = in.readLong();
                    if (timeout < 1 || timeout > 3_600_000) {
                        throw new MalformedFrameException("invitation timeout out of range");
                    }
                    byte[] sig = readBytes(in, 64);
                    FellowshipSpec spec = new FellowshipSpec(id, size,
                            new ResourceQuery(minimum, drivers, runtimes, labels, Set.of(), limit), reservation,
                            Duration.ofMillis(timeout));
                    yield new Frame.Invite(spec, founder, corr, sig);
                }
                case ANSWER -> new Frame.Answer(in.readLong(), in.readBoolean(), readString(in, MAX_TEXT),
                        readString(in, 255), in.readUnsignedShort());
                case ROSTER -> {
                    Roster roster = readRoster(in);
                    byte[] sig = readBytes(in, 64);
                    int n = in.readUnsignedShort();
                    if (n > FellowshipSpec.MAX_SIZE) {
                        throw new MalformedFrameException("more votes than members");
                    }
                    Map<NodeId, byte[]> votes = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        if (votes.put(readNode(in), readBytes(in, 64)) != null) {
                            throw new MalformedFrameException("two votes of one member");
                        }
                    }
                    yield new Frame.RosterUpdate(roster, sig, votes);
                }
                case MESSAGE -> {
                    FellowshipId id = readFellowship(in, expected);
                    long epoch = in.readLong();
                    int kind = in.readUnsignedByte();
                    if (kind >= Frame.Message.Kind.values().length) {
                        throw new MalformedFrameException("unknown message kind " + kind);
                    }
                    String topic = readString(in, MAX_TOPIC);
                    if (topic.isEmpty()) {
                        throw new MalformedFrameException("empty topic");
                    }
                    long corr = in.readLong();
                    byte[] payload = readBytesInt(in, FellowshipService.MAX_PAYLOAD);
                    yield new Frame.Message(id, epoch, Frame.Message.Kind.values()[kind], topic, corr, payload);
                }
                case LEAVE -> {
                    FellowshipId id = readFellowship(in, expected);
                    long epoch = in.readLong();
                    long held = in.readLong();
                    long voted = in.readLong();
                    if (epoch < 1 || held < 1 || voted < epoch) {
                        throw new MalformedFrameException("a leave of roster e" + epoch + " v" + held
                                + " that voted in epoch " + voted);
                    }
                    yield new Frame.Leave(id, epoch, held, voted);
                }
                case DISSOLVE -> new Frame.Dissolve(readFellowship(in, expected), in.readLong());
                case VOTE_REQUEST -> {
                    FellowshipId id = readFellowship(in, expected);
                    long epoch = in.readLong();
                    long rosterEpoch = in.readLong();
                    long rosterVersion = in.readLong();
                    if (rosterEpoch < 1 || rosterVersion < 1 || epoch <= rosterEpoch
                            || epoch - rosterEpoch > MAX_EPOCH_JUMP) {
                        throw new MalformedFrameException("a vote request for epoch " + epoch + " from roster e"
                                + rosterEpoch + " v" + rosterVersion);
                    }
                    yield new Frame.VoteRequest(id, epoch, rosterEpoch, rosterVersion);
                }
                case VOTE -> new Frame.Vote(readFellowship(in, expected), in.readLong(), in.readBoolean(), readBytes(in, 64));
                case ACK -> new Frame.Ack(readFellowship(in, expected), in.readLong(), in.readLong());
                default -> throw new MalformedFrameException("unknown frame type " + type);
            };
            if (in.isReadable()) {
                throw new MalformedFrameException(in.readableBytes() + " trailing bytes");
            }
            return f;
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedFrameException("truncated frame");
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("invalid value: " + e.getMessage());
        }
    }

    /** The bytes a founder signs for an invitation. */
    public static void writeInviteBody(Frame.Invite f, ByteBuf out) {
        FellowshipSpec spec = f.spec();
        writeString(out, spec.id().value());
        writeNode(out, f.founder());
        out.writeLong(f.correlation());
        out.writeShort(spec.targetSize());
        ResourceQuery q = spec.requirement();
        writeResources(out, q.minimumFree());
        writeSet(out, q.anyDriver());
        writeSet(out, q.runtimes());
        out.writeShort(q.labels().size());
        new TreeMap<>(q.labels()).forEach((k, v) -> {
            writeString(out, k);
            writeString(out, v);
        });
        out.writeInt(q.limit());
        writeResources(out, spec.reservation());
        out.writeLong(Math.max(1, Math.min(3_600_000, spec.inviteTimeout().toMillis())));
    }

    private static void writeSet(ByteBuf out, Set<String> set) {
        out.writeShort(set.size());
        new TreeSet<>(set).forEach(v -> writeString(out, v));
    }

    private static Set<String> readSet(ByteBuf in) throws MalformedFrameException {
        int n = in.readUnsignedShort();
        if (n > MAX_LABELS) {
            throw new MalformedFrameException("too many set entries");
        }
        Set<String> set = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            set.add(readString(in, 128));
        }
        return set;
    }

    /** The bytes a coordinator signs for a roster. */
    public static void writeRoster(Roster r, ByteBuf out) {
        writeString(out, r.fellowship().value());
        out.writeLong(r.version());
        out.writeLong(r.epoch());
        writeNode(out, r.coordinator());
        out.writeShort(r.members().size());
        for (FellowshipMember m : r.members()) {
            writeNode(out, m.node());
            writeBytes(out, Base64.getDecoder().decode(m.publicKey()));
            writeString(out, m.channel().host());
            out.writeShort(m.channel().port());
        }
    }

    static Roster readRoster(ByteBuf in) throws MalformedFrameException {
        FellowshipId id = readFellowship(in);
        long version = in.readLong();
        long epoch = in.readLong();
        NodeId coordinator = readNode(in);
        int n = in.readUnsignedShort();
        if (n < 1 || n > FellowshipSpec.MAX_SIZE) {
            throw new MalformedFrameException("roster size out of range");
        }
        List<FellowshipMember> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            NodeId node = readNode(in);
            byte[] key = readBytes(in, MAX_KEY);
            if (!NodeId.ofPublicKey(key).equals(node)) {
                throw new MalformedFrameException("a roster key does not hash to its node id");
            }
            String host = readString(in, 255);
            int port = in.readUnsignedShort();
            members.add(new FellowshipMember(node, Base64.getEncoder().encodeToString(key), new Endpoint(host, port)));
        }
        return new Roster(id, version, epoch, coordinator, members);
    }

    private static FellowshipId readFellowship(ByteBuf in) throws MalformedFrameException {
        return new FellowshipId(readString(in, 64));
    }

    private static FellowshipId readFellowship(ByteBuf in, FellowshipId expected) throws MalformedFrameException {
        if (expected != null) {
            String v = expected.value(); // ASCII only
            int at = in.readerIndex();
            if (in.readableBytes() >= 2 + v.length() && in.getUnsignedShort(at) == v.length()) {
                boolean same = true;
                for (int i = 0; i < v.length() && same; i++) {
                    same = in.getByte(at + 2 + i) == v.charAt(i);
                }
                if (same) {
                    in.skipBytes(2 + v.length());
                    return expected;
                }
            }
        }
        return readFellowship(in);
    }

    private static void writeNode(ByteBuf out, NodeId id) {
        out.writeBytes(id.bytes());
    }

    private static NodeId readNode(ByteBuf in) {
        byte[] b = new byte[32];
        in.readBytes(b);
        return new NodeId(HexFormat.of().formatHex(b));
    }

    private static void writeResources(ByteBuf out, Resources r) {
        out.writeLong(r.milliCpus());
        out.writeLong(r.memoryBytes());
        out.writeLong(r.diskBytes());
    }

    private static Resources readResources(ByteBuf in) {
        return new Resources(in.readLong(), in.readLong(), in.readLong());
    }

    private static Map<String, String> readLabels(ByteBuf in) throws MalformedFrameException {
        int n = in.readUnsignedShort();
        if (n > MAX_LABELS) {
            throw new MalformedFrameException("too many labels");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            labels.put(readString(in, 128), readString(in, 256));
        }
        return labels;
    }

    static void writeString(ByteBuf out, String s) {
        int at = out.writerIndex();
        out.writeShort(0);
        out.setShort(at, ByteBufUtil.writeUtf8(out, s)); // the length once known, without a copy of the bytes
    }

    static String readString(ByteBuf in, int max) throws MalformedFrameException {
        int n = in.readUnsignedShort();
        if (n > max) {
            throw new MalformedFrameException("string of " + n + " bytes, more than " + max);
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        try {
            // Strict: a lenient decoder turns each bad byte into U+FFFD, three bytes in UTF-8, so a
            // string within its bound here could be past it when this node sends it on (found by
            // bench/fuzz).
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFrameException("a string of " + n + " bytes is not valid UTF-8");
        }
    }

    static void writeBytes(ByteBuf out, byte[] b) {
        out.writeShort(b.length);
        out.writeBytes(b);
    }

    static byte[] readBytes(ByteBuf in, int max) throws MalformedFrameException {
        int n = in.readUnsignedShort();
        if (n > max) {
            throw new MalformedFrameException("field of " + n + " bytes, more than " + max);
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }

    static byte[] readBytesInt(ByteBuf in, int max) throws MalformedFrameException {
        int n = in.readInt();
        if (n < 0 || n > max || n > in.readableBytes()) {
            throw new MalformedFrameException("payload of " + n + " bytes is out of bounds");
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }
}
