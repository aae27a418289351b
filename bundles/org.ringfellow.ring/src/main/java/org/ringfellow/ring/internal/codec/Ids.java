package org.ringfellow.ring.internal.codec;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import org.ringfellow.api.node.NodeId;

/**
 * Node ids decoded from the wire, memoized: every datagram names one or two ids, and building
 * a {@link NodeId} (hex, validation, a SHA-256 for a public key) per datagram dominated the
 * simulator's profile. Bounded: cleared when it grows past the limit.
 */
final class Ids {

    private static final int LIMIT = 200_000;
    private static final ConcurrentHashMap<ByteBuffer, NodeId> BY_HASH = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<ByteBuffer, NodeId> BY_KEY = new ConcurrentHashMap<>();

    private Ids() {
    }

    static NodeId ofHash(byte[] hash32) {
        ByteBuffer k = ByteBuffer.wrap(hash32);
        NodeId id = BY_HASH.get(k);
        if (id == null) {
            id = new NodeId(HexFormat.of().formatHex(hash32));
            if (BY_HASH.size() > LIMIT) {
                BY_HASH.clear();
            }
            BY_HASH.put(k, id);
        }
        return id;
    }

    static NodeId ofPublicKey(byte[] publicKey) {
        ByteBuffer k = ByteBuffer.wrap(publicKey);
        NodeId id = BY_KEY.get(k);
        if (id == null) {
            id = NodeId.ofPublicKey(publicKey);
            if (BY_KEY.size() > LIMIT) {
                BY_KEY.clear();
            }
            BY_KEY.put(k, id);
        }
        return id;
    }
}
