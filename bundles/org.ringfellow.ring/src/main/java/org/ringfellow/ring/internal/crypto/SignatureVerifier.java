package org.ringfellow.ring.internal.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ed25519 verification with a bounded cache of statements already verified. Each record or
 * accusation is verified once per cache however many peers gossip it; verification is a pure
 * function of (key, data, signature), so sharing a cache between members in one JVM (the
 * scale simulations) changes cost only, never outcome. Thread-safe.
 */
public final class SignatureVerifier {

    private final int capacity;
    private final Map<ByteBuffer, Boolean> verified;
    private final Map<ByteBuffer, PublicKey> keys;
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
        this.keys = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, PublicKey> eldest) {
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

    private boolean doVerify(byte[] publicKey, byte[] domain, byte[] data, byte[] signature) {
        try {
            PublicKey key;
            ByteBuffer k = ByteBuffer.wrap(publicKey.clone());
            synchronized (this) {
                key = keys.get(k);
            }
            if (key == null) {
                key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(publicKey));
                synchronized (this) {
                    keys.put(k, key);
                }
            }
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(domain);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
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
