package org.ringfellow.fellowship.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;

/**
 * An Ed25519 identity in memory, as the node bundle provides one: a fresh random key, or with
 * {@link #named(String)} a key derived from a name, so the simulation gives the same nodes on
 * every run.
 */
public final class TestIdentity implements NodeIdentity {

    private final KeyPair pair;
    private final NodeId id;

    public TestIdentity() {
        this((SecureRandom) null);
    }

    private TestIdentity(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            if (random != null) {
                g.initialize(NamedParameterSpec.ED25519, random);
            }
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        id = NodeId.ofPublicKey(pair.getPublic().getEncoded());
    }

    /** The identity whose key derives from this name: the same name, the same node, on every run. */
    public static TestIdentity named(String name) {
        try {
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(("ringfellow-sim:" + name).getBytes(StandardCharsets.UTF_8));
            return new TestIdentity(seeded);
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
        return pair.getPublic().getEncoded();
    }

    @Override
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(pair.getPrivate());
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(publicKey)));
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
