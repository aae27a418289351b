package org.ringfellow.ring.internal.codec;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Simulations only: lets every simulated member hold the same instance of a statement instead
 * of its own decoded copy, so memory grows with N, not N squared. Statements are keyed by
 * their signature, which differs whenever the signed bytes do. Single-threaded.
 */
public final class Interner {

    private final Map<ByteBuffer, Update> byKey = new HashMap<>();

    @SuppressWarnings("unchecked")
    public <T extends Update> T intern(T update) {
        byte[] sig = update instanceof MemberRecord r ? r.signature() : ((Accusation) update).signature();
        Update known = byKey.putIfAbsent(ByteBuffer.wrap(sig), update);
        if (known == null || !java.util.Arrays.equals(known.encoded(), update.encoded())) {
            return update;
        }
        return (T) known;
    }

    public int size() {
        return byKey.size();
    }
}
