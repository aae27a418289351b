package org.ringfellow.fellowship.internal.tls;

import java.util.Arrays;
import java.util.Base64;
import org.ringfellow.api.node.NodeId;

/**
 * A channel peer as its certificate proves it: the node id and the node's Ed25519 public key
 * that signed the binding of the certificate's TLS key.
 *
 * @param node the peer's node id, the SHA-256 of {@code nodeKey}
 * @param nodeKey the X.509 encoding of the peer's Ed25519 node key
 */
public record PeerIdentity(NodeId node, byte[] nodeKey) {

    public PeerIdentity {
        nodeKey = nodeKey.clone();
    }

    /** Returns the key as the roster writes it. */
    public String keyBase64() {
        return Base64.getEncoder().encodeToString(nodeKey);
    }

    /** Tells whether the roster's Base64 key is this peer's key. */
    public boolean hasKey(String base64) {
        try {
            return Arrays.equals(nodeKey, Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public byte[] nodeKey() {
        return nodeKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerIdentity p && p.node.equals(node) && Arrays.equals(p.nodeKey, nodeKey);
    }

    @Override
    public int hashCode() {
        return node.hashCode();
    }

    @Override
    public String toString() {
        return node.shortId();
    }
}
