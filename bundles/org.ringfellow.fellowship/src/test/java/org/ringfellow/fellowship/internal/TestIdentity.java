package org.ringfellow.fellowship.internal;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;

/** An Ed25519 identity in memory, as the node bundle provides one. */
public final class TestIdentity implements NodeIdentity {

    private final KeyPair pair;
    private final NodeId id;

    public TestIdentity() {
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
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
