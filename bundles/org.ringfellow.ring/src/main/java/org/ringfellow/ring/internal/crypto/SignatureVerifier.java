package org.ringfellow.ring.internal.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 verification with a bounded cache of statements already verified. Each record or
 * accusation is verified once per cache however many peers gossip it; verification is a pure
 * function of (key, data, signature), so sharing a cache between members in one JVM (the
 * scale simulations) changes cost only, never outcome. Thread-safe.
 */
public final class SignatureVerifier {

    private final int capacity;
    private final Map<ByteBuffer, Boolean> verified;
    private long verifications;

    public SignatureVerifier(int capacity) {
        this.capacity = capacity;
        this.verified = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
                return size() > SignatureVerifier.this.capacity;
            }
        };
    }

    /**
     * @return true only if {@code signature} is the Ed25519 signature of {@code domain + data}
     *     under the X.509-encoded {@code publicKey}; never throws for bad input
     */
    public boolean verify(byte[] publicKey, byte[] domain, byte[] data, byte[] signature) {
        ByteBuffer cacheKey = ByteBuffer.wrap(digest(publicKey, domain, data, signature));
        synchronized (this) {
            Boolean known = verified.get(cacheKey);
            if (known != null) {
                return known;
            }
        }
        boolean ok = doVerify(publicKey, domain, data, signature);
        synchronized (this) {
            verified.put(cacheKey, ok);
            verifications++;
        }
        return ok;
    }

    /** @return how many signatures were really checked (cache misses) */
    public synchronized long verifications() {
        return verifications;
    }

    /** X.509 SubjectPublicKeyInfo of an Ed25519 key: this prefix, then the 32-byte key. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
            0x21, 0x00};

    /**
     * Bouncy Castle's RFC 8032 Ed25519 rather than the JDK's provider: the same check, several
     * times cheaper on JDK 17 (see bench/ring's crypto section), and verification was most of
     * the CPU of a 1,000-member ring in one JVM.
     */
    private static boolean doVerify(byte[] publicKey, byte[] domain, byte[] data, byte[] signature) {
        if (publicKey.length != ED25519_SPKI_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE
                || !Arrays.equals(publicKey, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0,
                        ED25519_SPKI_PREFIX.length)
                || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        byte[] message = new byte[domain.length + data.length];
        System.arraycopy(domain, 0, message, 0, domain.length);
        System.arraycopy(data, 0, message, domain.length, data.length);
        try {
            return Ed25519.verify(signature, 0, publicKey, ED25519_SPKI_PREFIX.length, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The JDK's Ed25519, for the comparison benchmark only. */
    public static boolean verifyWithJdk(byte[] publicKey, byte[] domain, byte[] data, byte[] signature) {
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(publicKey));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(domain);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Bouncy Castle's check without the cache, for the comparison benchmark only. */
    public static boolean verifyUncached(byte[] publicKey, byte[] domain, byte[] data, byte[] signature) {
        return doVerify(publicKey, domain, data, signature);
    }

    private static byte[] digest(byte[] publicKey, byte[] domain, byte[] data, byte[] signature) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(publicKey);
            md.update((byte) 0);
            md.update(domain);
            md.update(data);
            md.update((byte) 0);
            md.update(signature);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
