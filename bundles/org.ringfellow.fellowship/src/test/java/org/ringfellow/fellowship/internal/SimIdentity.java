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

/** A real Ed25519 identity whose key derives from a name: the same name gives the same node on every run. */
final class SimIdentity implements NodeIdentity {

    private final KeyPair pair;
    private final NodeId id;

    SimIdentity(String name) {
        try {
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(("ringfellow-sim:" + name).getBytes(StandardCharsets.UTF_8));
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, seeded);
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        id = NodeId.ofPublicKey(pair.getPublic().getEncoded());
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
