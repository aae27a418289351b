package org.ringfellow.ring.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

/**
 * A member's own statement about itself, signed with its Ed25519 key: public key, name,
 * address, incarnation, whether it left, and its resource advert. The id is not sent: it is
 * the SHA-256 of the public key, so a record can only speak for the key that signed it.
 * The exact bytes received are kept and verified, so no re-encoding can break a signature.
 */
public final class MemberRecord implements Update {

    static final String DOMAIN = "ringfellow/member/1\n";
    private static final byte[] DOMAIN_BYTES = DOMAIN.getBytes(StandardCharsets.US_ASCII);

    private final NodeId id;
    private final byte[] publicKey;
    private final String name;
    private final Endpoint address;
    private final long incarnation;
    private final boolean left;
    private final Reach reach;
    private final ResourceAdvert advert;
    // Only the bytes as signed and sent are kept; the signed part and signature are slices of them.
    private final byte[] encoded;
    private final int signedLength;
    /** The advert as the API's views show it: with the reachability label; made on first use. */
    private volatile ResourceAdvert viewAdvert;

    private MemberRecord(NodeId id, byte[] publicKey, String name, Endpoint address, long incarnation, boolean left,
            Reach reach, ResourceAdvert advert, byte[] signedPart, byte[] signature) {
        this.reach = reach;
        this.id = id;
        this.publicKey = publicKey;
        this.name = name;
        this.address = address;
        this.incarnation = incarnation;
        this.left = left;
        this.advert = advert;
        this.signedLength = signedPart.length;
        WireWriter w = new WireWriter(signedPart.length + 1 + signature.length);
        w.bytes(signedPart).u8(signature.length).bytes(signature);
        this.encoded = w.toBytes();
    }

    /** The most driver types, and separately runtime types, this node's record carries. */
    public static final int MAX_ADVERTISED_TYPES = 5;
    /** The longest driver or runtime type this node's record carries, in bytes. */
    public static final int MAX_ADVERTISED_TYPE = 10;

    /**
     * Creates and signs this node's record. Room is reserved for every label {@link Labels}
     * allows, operator and published at their limits at once, so a valid label is always
     * carried: the largest record the limits allow still fits {@link Limits#MAX_RECORD}. A
     * label that {@link Labels#check} refuses (the node never passes one) is left out, as are
     * driver and runtime types beyond {@link #MAX_ADVERTISED_TYPES} or
     * {@link #MAX_ADVERTISED_TYPE} bytes (the component warns of those).
     */
    public static MemberRecord sign(NodeIdentity identity, String name, Endpoint address, long incarnation,
            boolean left, ResourceAdvert advert) {
        return sign(identity, name, address, incarnation, left, Reach.UNKNOWN, advert);
    }

    /**
     * Creates and signs this node's record, stating its reachability too (see the other
     * {@code sign}).
     */
    public static MemberRecord sign(NodeIdentity identity, String name, Endpoint address, long incarnation,
            boolean left, Reach reach, ResourceAdvert advert) {
        byte[] pk = identity.publicKey();
        String safeName = truncate(name, Limits.MAX_NAME);
        ResourceAdvert bounded = bound(advert);
        byte[] signed = encodeSignedPart(pk, safeName, address, incarnation, left, reach, bounded);
        if (signed.length + 1 + Limits.SIGNATURE > Limits.MAX_RECORD) {
            throw new IllegalArgumentException("member record exceeds " + Limits.MAX_RECORD + " bytes");
        }
        byte[] sig = identity.sign(concat(DOMAIN_BYTES, signed));
        if (sig.length != Limits.SIGNATURE) {
            throw new IllegalStateException("expected a 64-byte Ed25519 signature, got " + sig.length);
        }
        return new MemberRecord(NodeId.ofPublicKey(pk), pk, safeName, address, incarnation, left, reach, bounded, signed,
                sig);
    }

    private static ResourceAdvert bound(ResourceAdvert a) {
        Set<String> drivers = boundTypes(a.drivers());
        Set<String> runtimes = boundTypes(a.runtimes());
        Map<String, String> labels = new LinkedHashMap<>();
        int operator = 0;
        int published = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(a.labels()).entrySet()) {
            try {
                Labels.check(e.getKey(), e.getValue());
            } catch (IllegalArgumentException invalid) {
                continue;
            }
            boolean isPublished = Labels.isPublished(e.getKey());
            if (isPublished ? published++ < Labels.MAX_PUBLISHED_LABELS
                    : operator++ < Labels.MAX_OPERATOR_LABELS) {
                labels.put(e.getKey(), e.getValue());
            }
        }
        return new ResourceAdvert(a.contributed(), a.free(), drivers, runtimes, labels);
    }

    private static Set<String> boundTypes(Set<String> types) {
        TreeSet<String> out = new TreeSet<>();
        for (String t : new TreeSet<>(types)) {
            if (out.size() < MAX_ADVERTISED_TYPES && !t.isEmpty() && utf8Length(t) <= MAX_ADVERTISED_TYPE) {
                out.add(t);
            }
        }
        return out;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String truncate(String s, int maxBytes) {
        String t = s;
        while (utf8Length(t) > maxBytes) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    private static byte[] encodeSignedPart(byte[] pk, String name, Endpoint address, long incarnation, boolean left,
            Reach reach, ResourceAdvert a) {
        WireWriter w = new WireWriter(256);
        w.u8(Limits.VERSION).u8(pk.length).bytes(pk).string(name, Limits.MAX_NAME)
                .string(address.host(), Limits.MAX_HOST).u16(address.port()).i64(incarnation)
                .u8((left ? 1 : 0) | reach.ordinal() << 1);
        resources(w, a.contributed());
        resources(w, a.free());
        w.u8(a.drivers().size());
        new TreeSet<>(a.drivers()).forEach(d -> w.string(d, Limits.MAX_TYPE));
        w.u8(a.runtimes().size());
        new TreeSet<>(a.runtimes()).forEach(r -> w.string(r, Limits.MAX_TYPE));
        w.u8(a.labels().size());
        new TreeMap<>(a.labels()).forEach((k, v) -> w.string(k, Limits.MAX_LABEL_KEY).string(v, Limits.MAX_LABEL_VALUE));
        return w.toBytes();
    }

    private static void resources(WireWriter w, Resources r) {
        w.i64(r.milliCpus()).i64(r.memoryBytes()).i64(r.diskBytes());
    }

    /** Decodes a record; checks structure and bounds, not the signature (see {@link #verify}). */
    public static MemberRecord decode(byte[] bytes) throws DecodeException {
        if (bytes.length > Limits.MAX_RECORD) {
            throw new DecodeException("oversized", "record of " + bytes.length + " bytes");
        }
        WireReader r = new WireReader(bytes);
        int version = r.u8();
        if (version != Limits.VERSION) {
            throw new DecodeException("unsupported-version", "record version " + version);
        }
        int pkLen = r.u8();
        if (pkLen == 0 || pkLen > Limits.MAX_PUBLIC_KEY) {
            throw new DecodeException("malformed", "public key of " + pkLen + " bytes");
        }
        byte[] pk = r.bytes(pkLen);
        String name = r.string(Limits.MAX_NAME, "name");
        String host = r.string(Limits.MAX_HOST, "host");
        int port = r.u16();
        if (host.isBlank() || port == 0) {
            throw new DecodeException("malformed", "bad address");
        }
        long incarnation = r.nonNegative64("incarnation");
        // Status: bit 0 left, bits 1-2 the reachability, the rest zero.
        int status = r.u8();
        if (status > 7) {
            throw new DecodeException("malformed", "status " + status);
        }
        Reach reach = Reach.ofCode(status >> 1);
        Resources contributed = readResources(r);
        Resources free = readResources(r);
        Set<String> drivers = readTypes(r, "driver");
        Set<String> runtimes = readTypes(r, "runtime");
        int labelCount = r.u8();
        if (labelCount > Limits.MAX_LABELS) {
            throw new DecodeException("oversized", labelCount + " labels");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < labelCount; i++) {
            String k = r.string(Limits.MAX_LABEL_KEY, "label key");
            String v = r.string(Limits.MAX_LABEL_VALUE, "label value");
            if (k.isEmpty() || labels.put(k, v) != null) {
                throw new DecodeException("malformed", "empty or duplicate label key");
            }
        }
        int signedLength = r.position();
        int sigLen = r.u8();
        if (sigLen != Limits.SIGNATURE) {
            throw new DecodeException("malformed", "signature of " + sigLen + " bytes");
        }
        byte[] sig = r.bytes(sigLen);
        r.expectEnd();
        return new MemberRecord(Ids.ofPublicKey(pk), pk, name, new Endpoint(host, port), incarnation,
                (status & 1) == 1, reach, new ResourceAdvert(contributed, free, drivers, runtimes, labels), Arrays.copyOf(bytes, signedLength),
                sig);
    }

    private static Resources readResources(WireReader r) throws DecodeException {
        return new Resources(r.nonNegative64("cpu"), r.nonNegative64("memory"), r.nonNegative64("disk"));
    }

    private static Set<String> readTypes(WireReader r, String what) throws DecodeException {
        int n = r.u8();
        if (n > Limits.MAX_TYPES) {
            throw new DecodeException("oversized", n + " " + what + "s");
        }
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            String t = r.string(Limits.MAX_TYPE, what);
            if (t.isEmpty() || !out.add(t)) {
                throw new DecodeException("malformed", "empty or duplicate " + what);
            }
        }
        return out;
    }

    /** @return true if the owner's key signed exactly these bytes */
    public boolean verify(SignatureVerifier verifier) {
        return verifier.verify(publicKey, DOMAIN_BYTES, Arrays.copyOf(encoded, signedLength), signature());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** @return true if both are the very same signed statement */
    public boolean sameAs(MemberRecord other) {
        return other != null && (other == this || Arrays.equals(encoded, other.encoded));
    }

    /** @return the 64-byte signature */
    public byte[] signature() {
        return Arrays.copyOfRange(encoded, signedLength + 1, encoded.length);
    }

    public NodeId id() { return id; }
    @Override public NodeId subject() { return id; }
    public byte[] publicKey() { return publicKey; }
    public String name() { return name; }
    public Endpoint address() { return address; }
    public long incarnation() { return incarnation; }
    public boolean left() { return left; }
    /** @return what the owner states of its own reachability */
    public Reach reach() { return reach; }

    /**
     * @return the advert as the API shows it: the record's, plus the label {@link Reach#LABEL}
     *     saying the stated reachability once it is known (so {@code ring:find} can select on it)
     */
    public ResourceAdvert advertForView() {
        if (reach == Reach.UNKNOWN && !advert.labels().containsKey(Reach.LABEL)) {
            return advert;
        }
        ResourceAdvert v = viewAdvert;
        if (v == null) {
            // The status bits speak, never a label of that name the owner published itself.
            Map<String, String> labels = new LinkedHashMap<>(advert.labels());
            labels.remove(Reach.LABEL);
            if (reach != Reach.UNKNOWN) {
                labels.put(Reach.LABEL, reach.label());
            }
            v = new ResourceAdvert(advert.contributed(), advert.free(), advert.drivers(), advert.runtimes(), labels);
            viewAdvert = v;
        }
        return v;
    }
    public ResourceAdvert advert() { return advert; }
    @Override public byte[] encoded() { return encoded; }

    @Override
    public String toString() {
        return "Record[" + id.shortId() + " " + address + " inc=" + incarnation + (left ? " left" : "") + "]";
    }
}
