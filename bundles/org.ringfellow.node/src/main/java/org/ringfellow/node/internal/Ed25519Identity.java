package org.ringfellow.node.internal;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;

/** The node's identity over the JDK's Ed25519. */
final class Ed25519Identity implements NodeIdentity {

    private final KeyPair pair;
    private final NodeId id;

    Ed25519Identity(KeyPair pair) {
        this.pair = pair;
        this.id = NodeId.ofPublicKey(pair.getPublic().getEncoded());
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
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
        if (publicKey == null || data == null || signature == null || signature.length != 64
                || publicKey.length > 128) {
            return false;
        }
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(publicKey));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
