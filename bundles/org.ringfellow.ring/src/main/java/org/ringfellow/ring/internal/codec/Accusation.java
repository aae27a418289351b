package org.ringfellow.ring.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

/**
 * "I suspect / declare dead member T at incarnation i", signed by the accuser. Suspicion and
 * death are said by others, so they cannot carry the target's signature; they carry the
 * accuser's, and the accuser must be a member whose own record (and key) the receiver holds.
 * An accusation can only ever lower a member's standing at an incarnation the target has
 * reached; only the target's own signed record at a higher incarnation undoes it.
 */
public final class Accusation implements Update {

    private static final byte[] DOMAIN = "ringfellow/accuse/1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int SIGNED_LENGTH = 1 + 32 + 8 + 1 + 32;

    private final NodeId target;
    private final long incarnation;
    private final MemberState state;
    private final NodeId accuser;
    private final byte[] signedPart;
    private final byte[] signature;
    private final byte[] encoded;

    private Accusation(NodeId target, long incarnation, MemberState state, NodeId accuser, byte[] signedPart,
            byte[] signature) {
        this.target = target;
        this.incarnation = incarnation;
        this.state = state;
        this.accuser = accuser;
        this.signedPart = signedPart;
        this.signature = signature;
        this.encoded = MemberRecord.concat(MemberRecord.concat(signedPart, new byte[] {(byte) signature.length}),
                signature);
    }

    /** Creates and signs an accusation made by this node. */
    public static Accusation sign(NodeIdentity accuserIdentity, NodeId target, long incarnation, MemberState state) {
        if (state != MemberState.SUSPECT && state != MemberState.DEAD) {
            throw new IllegalArgumentException("an accusation is SUSPECT or DEAD, not " + state);
        }
        WireWriter w = new WireWriter(SIGNED_LENGTH);
        w.u8(Limits.VERSION).bytes(target.bytes()).i64(incarnation).u8(state == MemberState.SUSPECT ? 1 : 2)
                .bytes(accuserIdentity.id().bytes());
        byte[] signed = w.toBytes();
        byte[] sig = accuserIdentity.sign(MemberRecord.concat(DOMAIN, signed));
        return new Accusation(target, incarnation, state, accuserIdentity.id(), signed, sig);
    }

    /** Decodes an accusation; checks structure, not the signature. */
    public static Accusation decode(byte[] bytes) throws DecodeException {
        if (bytes.length > Limits.MAX_ACCUSATION) {
            throw new DecodeException("oversized", "accusation of " + bytes.length + " bytes");
        }
        WireReader r = new WireReader(bytes);
        int version = r.u8();
        if (version != Limits.VERSION) {
            throw new DecodeException("unsupported-version", "accusation version " + version);
        }
        NodeId target = Ids.ofHash(r.bytes(32));
        long inc = r.nonNegative64("incarnation");
        int s = r.u8();
        if (s != 1 && s != 2) {
            throw new DecodeException("malformed", "accusation state " + s);
        }
        NodeId accuser = Ids.ofHash(r.bytes(32));
        int sigLen = r.u8();
        if (sigLen != Limits.SIGNATURE) {
            throw new DecodeException("malformed", "signature of " + sigLen + " bytes");
        }
        byte[] sig = r.bytes(sigLen);
        r.expectEnd();
        return new Accusation(target, inc, s == 1 ? MemberState.SUSPECT : MemberState.DEAD, accuser,
                Arrays.copyOf(bytes, SIGNED_LENGTH), sig);
    }

    /** @return true if {@code accuserPublicKey} signed exactly these bytes */
    /** @return the 64-byte signature */
    public byte[] signature() {
        return signature.clone();
    }

    public boolean verify(SignatureVerifier verifier, byte[] accuserPublicKey) {
        return verifier.verify(accuserPublicKey, DOMAIN, signedPart, signature);
    }

    public NodeId target() { return target; }
    @Override public NodeId subject() { return target; }
    public long incarnation() { return incarnation; }
    public MemberState state() { return state; }
    public NodeId accuser() { return accuser; }
    @Override public byte[] encoded() { return encoded; }

    @Override
    public String toString() {
        return "Accusation[" + state + " " + target.shortId() + " inc=" + incarnation + " by " + accuser.shortId() + "]";
    }
}
