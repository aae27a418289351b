package org.ringfellow.ring.internal.codec;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;

/**
 * The wire format. Datagram: {@code 'R' 'F' version type} then the message body then
 * {@code u8 count} piggybacked updates, each {@code u8 kind, u16 length, bytes}. TCP frame
 * (after the transport's u32 length prefix): the same four-byte header, then the state.
 * Decoding never throws anything but {@link DecodeException}, whose reason is counted.
 */
public final class Codec {

    private static final int MAGIC0 = 'R';
    private static final int MAGIC1 = 'F';
    /** Type byte of a ping (offset 3), also sent over a stream as memberlist's TCP fallback probe. */
    public static final int PING = 1;
    static final int PING_REQ = 2;
    static final int ACK = 3;
    static final int NACK = 4;
    static final int GOSSIP = 5;
    static final int WHOAMI = 6;
    static final int OBSERVED = 7;
    static final int DIAL_REQUEST = 8;
    static final int DIAL_BACK = 9;
    static final int PUSH_PULL = 10;
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern
            .compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final int KIND_RECORD = 1;
    private static final int KIND_ACCUSATION = 2;

    /** Bytes one piggybacked update costs besides its own encoding. */
    public static final int UPDATE_OVERHEAD = 3;

    private Codec() {
    }

    /** @return the bytes a datagram of this kind takes before its updates (count byte included) */
    public static int headerSize(Message m) {
        int base = 4 + 1;
        if (m instanceof Message.Ping) {
            return base + 8 + 32;
        } else if (m instanceof Message.PingReq p) {
            return base + 8 + 32 + 1 + p.targetAddress().host().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + 2;
        } else if (m instanceof Message.Ack || m instanceof Message.Nack) {
            return base + 8;
        } else if (m instanceof Message.Gossip) {
            return base;
        } else if (m instanceof Message.WhoAmI) {
            return base + 8 + 32;
        } else if (m instanceof Message.Observed o) {
            return base + 8 + 1 + utf8(o.observed().host()) + 2;
        } else if (m instanceof Message.DialRequest d) {
            return base + 8 + 1 + utf8(d.target().host()) + 2;
        } else if (m instanceof Message.DialBack) {
            return base + 8;
        }
        throw new IllegalArgumentException("push-pull is not a datagram");
    }

    /** Encodes a datagram. The caller has chosen updates that fit; a bigger result is a bug. */
    public static byte[] encodeDatagram(Message m) {
        WireWriter w = new WireWriter(256);
        List<Update> updates;
        if (m instanceof Message.Ping p) {
            header(w, PING).i64(p.seq()).bytes(p.target().bytes());
            updates = p.updates();
        } else if (m instanceof Message.PingReq p) {
            header(w, PING_REQ).i64(p.seq()).bytes(p.target().bytes()).string(p.targetAddress().host(),
                    Limits.MAX_HOST).u16(p.targetAddress().port());
            updates = p.updates();
        } else if (m instanceof Message.Ack a) {
            header(w, ACK).i64(a.seq());
            updates = a.updates();
        } else if (m instanceof Message.Nack n) {
            header(w, NACK).i64(n.seq());
            updates = n.updates();
        } else if (m instanceof Message.Gossip g) {
            header(w, GOSSIP);
            updates = g.updates();
        } else if (m instanceof Message.WhoAmI q) {
            header(w, WHOAMI).i64(q.nonce()).bytes(q.target().bytes());
            updates = q.updates();
        } else if (m instanceof Message.Observed o) {
            requireIpLiteral(o.observed());
            header(w, OBSERVED).i64(o.nonce()).string(o.observed().host(), Limits.MAX_HOST).u16(o.observed().port());
            updates = o.updates();
        } else if (m instanceof Message.DialRequest d) {
            requireIpLiteral(d.target());
            header(w, DIAL_REQUEST).i64(d.nonce()).string(d.target().host(), Limits.MAX_HOST).u16(d.target().port());
            updates = d.updates();
        } else if (m instanceof Message.DialBack b) {
            header(w, DIAL_BACK).i64(b.nonce());
            updates = b.updates();
        } else {
            throw new IllegalArgumentException("push-pull is not a datagram");
        }
        if (updates.size() > Limits.MAX_PIGGYBACK) {
            throw new IllegalArgumentException(updates.size() + " updates in one datagram");
        }
        w.u8(updates.size());
        for (Update u : updates) {
            byte[] b = u.encoded();
            w.u8(u instanceof MemberRecord ? KIND_RECORD : KIND_ACCUSATION).u16(b.length).bytes(b);
        }
        if (w.size() > Limits.MAX_DATAGRAM) {
            throw new IllegalArgumentException("datagram of " + w.size() + " bytes");
        }
        return w.toBytes();
    }

    private static WireWriter header(WireWriter w, int type) {
        return w.u8(MAGIC0).u8(MAGIC1).u8(Limits.VERSION).u8(type);
    }

    private static int readHeader(WireReader r) throws DecodeException {
        if (r.u8() != MAGIC0 || r.u8() != MAGIC1) {
            throw new DecodeException("bad-magic", "not a Ring message");
        }
        int version = r.u8();
        if (version != Limits.VERSION) {
            throw new DecodeException("unsupported-version", "version " + version);
        }
        return r.u8();
    }

    /** Decodes one datagram. */
    public static Message decodeDatagram(byte[] data) throws DecodeException {
        if (data.length > Limits.MAX_DATAGRAM) {
            throw new DecodeException("oversized", "datagram of " + data.length + " bytes");
        }
        try {
            WireReader r = new WireReader(data);
            int type = readHeader(r);
            Message m = switch (type) {
                case PING -> new Message.Ping(r.i64(), id(r), updates(r));
                case PING_REQ -> {
                    long seq = r.i64();
                    NodeId target = id(r);
                    Endpoint addr = endpoint(r);
                    yield new Message.PingReq(seq, target, addr, updates(r));
                }
                case ACK -> new Message.Ack(r.i64(), updates(r));
                case NACK -> new Message.Nack(r.i64(), updates(r));
                case GOSSIP -> new Message.Gossip(updates(r));
                case WHOAMI -> new Message.WhoAmI(r.i64(), id(r), updates(r));
                case OBSERVED -> {
                    long nonce = r.i64();
                    yield new Message.Observed(nonce, ipEndpoint(r), updates(r));
                }
                case DIAL_REQUEST -> {
                    long nonce = r.i64();
                    yield new Message.DialRequest(nonce, ipEndpoint(r), updates(r));
                }
                case DIAL_BACK -> new Message.DialBack(r.i64(), updates(r));
                default -> throw new DecodeException("unknown-type", "datagram type " + type);
            };
            r.expectEnd();
            return m;
        } catch (RuntimeException e) {
            // Defensive: a validation inside an API record (Endpoint, NodeId) must not escape either.
            throw new DecodeException("malformed", String.valueOf(e.getMessage()));
        }
    }

    private static NodeId id(WireReader r) throws DecodeException {
        return Ids.ofHash(r.bytes(32));
    }

    private static Endpoint endpoint(WireReader r) throws DecodeException {
        String host = r.string(Limits.MAX_HOST, "host");
        int port = r.u16();
        if (host.isBlank() || port == 0) {
            throw new DecodeException("malformed", "bad address");
        }
        return new Endpoint(host, port);
    }

    /**
     * An observed or dialled address: a literal IP address (never a name, which would make the
     * receiver resolve what a peer chose) and a port of 1 to 65535.
     */
    private static Endpoint ipEndpoint(WireReader r) throws DecodeException {
        String host = r.string(Limits.MAX_HOST, "host");
        int port = r.u16();
        if (port == 0 || !isIpLiteral(host)) {
            throw new DecodeException("malformed", "not an IP address and port: " + host + ":" + port);
        }
        return new Endpoint(host, port);
    }

    /** @return true if {@code host} is a literal IPv4 or IPv6 address */
    public static boolean isIpLiteral(String host) {
        return host != null && (IPV4.matcher(host).matches() || host.indexOf(':') >= 0 && IPV6.matcher(host).matches());
    }

    private static void requireIpLiteral(Endpoint e) {
        if (!isIpLiteral(e.host())) {
            throw new IllegalArgumentException("not an IP address: " + e.host());
        }
    }

    private static int utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static List<Update> updates(WireReader r) throws DecodeException {
        int n = r.u8();
        if (n > Limits.MAX_PIGGYBACK) {
            throw new DecodeException("oversized", n + " piggybacked updates");
        }
        List<Update> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(update(r));
        }
        return out;
    }

    private static Update update(WireReader r) throws DecodeException {
        int kind = r.u8();
        int len = r.u16();
        if (kind == KIND_RECORD) {
            if (len > Limits.MAX_RECORD) {
                throw new DecodeException("oversized", "record of " + len + " bytes");
            }
            return Decoded.record(r.bytes(len));
        }
        if (kind == KIND_ACCUSATION) {
            if (len > Limits.MAX_ACCUSATION) {
                throw new DecodeException("oversized", "accusation of " + len + " bytes");
            }
            return Accusation.decode(r.bytes(len));
        }
        throw new DecodeException("malformed", "update kind " + kind);
    }

    /** Encodes a push-pull frame body (the transport adds the length prefix). */
    public static byte[] encodeStream(Message.PushPull pp) {
        WireWriter w = new WireWriter(1024 + pp.records().size() * 300);
        header(w, PUSH_PULL).u8(pp.join() ? 1 : 0);
        w.i32(pp.records().size());
        for (MemberRecord rec : pp.records()) {
            w.u16(rec.encoded().length).bytes(rec.encoded());
        }
        w.i32(pp.accusations().size());
        for (Accusation a : pp.accusations()) {
            w.u16(a.encoded().length).bytes(a.encoded());
        }
        if (w.size() > Limits.MAX_STREAM) {
            throw new IllegalArgumentException("push-pull frame of " + w.size() + " bytes");
        }
        return w.toBytes();
    }

    /** Decodes a push-pull frame body. */
    public static Message.PushPull decodeStream(byte[] data) throws DecodeException {
        if (data.length > Limits.MAX_STREAM) {
            throw new DecodeException("oversized", "frame of " + data.length + " bytes");
        }
        try {
            WireReader r = new WireReader(data);
            int type = readHeader(r);
            if (type != PUSH_PULL) {
                throw new DecodeException("unknown-type", "stream type " + type);
            }
            int join = r.u8();
            if (join > 1) {
                throw new DecodeException("malformed", "join flag " + join);
            }
            int nRecords = count(r);
            List<MemberRecord> records = new ArrayList<>(Math.min(nRecords, 1024));
            for (int i = 0; i < nRecords; i++) {
                int len = r.u16();
                if (len > Limits.MAX_RECORD) {
                    throw new DecodeException("oversized", "record of " + len + " bytes");
                }
                records.add(Decoded.record(r.bytes(len)));
            }
            int nAcc = count(r);
            List<Accusation> accusations = new ArrayList<>(Math.min(nAcc, 1024));
            for (int i = 0; i < nAcc; i++) {
                int len = r.u16();
                if (len > Limits.MAX_ACCUSATION) {
                    throw new DecodeException("oversized", "accusation of " + len + " bytes");
                }
                accusations.add(Accusation.decode(r.bytes(len)));
            }
            r.expectEnd();
            return new Message.PushPull(join == 1, records, accusations);
        } catch (RuntimeException e) {
            throw new DecodeException("malformed", String.valueOf(e.getMessage()));
        }
    }

    private static int count(WireReader r) throws DecodeException {
        int n = r.i32();
        if (n < 0 || n > Limits.MAX_STATE_ENTRIES) {
            throw new DecodeException("oversized", n + " state entries");
        }
        return n;
    }
}
