package org.ringfellow.ring.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;

/**
 * An in-memory Ed25519 identity, for the simulator, benchmarks and tests; a Karaf node signs
 * through the node bundle's {@link NodeIdentity} instead. Keys come from the JDK's generator;
 * signing uses Bouncy Castle's RFC 8032 code on the raw key (Ed25519 signatures are
 * deterministic, so the bytes are the JDK's, at a fraction of the JDK 17 provider's cost: a
 * ring of 1,000 such members in one JVM spent most of its CPU signing).
 */
public final class LocalIdentity implements NodeIdentity {

    /** PKCS#8 encoding of an Ed25519 private key: this prefix, then the 32-byte seed. */
    private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
            0x70, 0x04, 0x22, 0x04, 0x20};
    /** X.509 encoding of an Ed25519 public key: this prefix, then the 32-byte key. */
    private static final int SPKI_PREFIX_LENGTH = 12;

    private final PrivateKey privateKey;
    private final byte[] rawPrivateKey;
    private final byte[] publicKey;
    private final NodeId id;

    private LocalIdentity(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic().getEncoded();
        this.id = NodeId.ofPublicKey(publicKey);
        byte[] pkcs8 = privateKey.getEncoded();
        boolean raw = pkcs8 != null && pkcs8.length == PKCS8_PREFIX.length + Ed25519.SECRET_KEY_SIZE
                && Arrays.equals(pkcs8, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)
                && publicKey.length == SPKI_PREFIX_LENGTH + Ed25519.PUBLIC_KEY_SIZE;
        this.rawPrivateKey = raw ? Arrays.copyOfRange(pkcs8, PKCS8_PREFIX.length, pkcs8.length) : null;
    }

    /** @param random the source of the key; a seeded one gives reproducible ids in simulations */
    public static LocalIdentity generate(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(255, random);
            return new LocalIdentity(g.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    /** @return a deterministic SecureRandom for a seed (SHA1PRNG seeded before first use is) */
    public static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sign(byte[] data) {
        if (rawPrivateKey != null) {
            byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(rawPrivateKey, 0, publicKey, SPKI_PREFIX_LENGTH, data, 0, data.length, signature, 0);
            return signature;
        }
        return signWithJdk(data);
    }

    /** The JDK provider's signature, for comparison (the same bytes: Ed25519 is deterministic). */
    public byte[] signWithJdk(byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean verify(byte[] key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(key)));
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
