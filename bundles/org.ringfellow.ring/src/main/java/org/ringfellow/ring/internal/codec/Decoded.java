package org.ringfellow.ring.internal.codec;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records already decoded, by their exact bytes. Gossip delivers the same record many times
 * (every member retransmits each update up to its limit, and push-pull resends whole views),
 * so most receipts are duplicates: they cost a hash lookup instead of a parse. Records are
 * immutable, so sharing one instance is safe. Bounded: cleared when it grows past the limit.
 */
final class Decoded {

    private static final int LIMIT = 50_000;
    private static final ConcurrentHashMap<ByteBuffer, MemberRecord> RECORDS = new ConcurrentHashMap<>();

    private Decoded() {
    }

    static MemberRecord record(byte[] bytes) throws DecodeException {
        ByteBuffer key = ByteBuffer.wrap(bytes);
        MemberRecord known = RECORDS.get(key);
        if (known != null) {
            return known;
        }
        MemberRecord r = MemberRecord.decode(bytes);
        if (RECORDS.size() >= LIMIT) {
            RECORDS.clear();
        }
        RECORDS.put(key, r);
        return r;
    }
}
