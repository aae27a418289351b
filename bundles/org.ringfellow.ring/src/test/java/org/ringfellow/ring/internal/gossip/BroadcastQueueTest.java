package org.ringfellow.ring.internal.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.codec.Codec;
import org.ringfellow.ring.internal.codec.MemberRecord;
import org.ringfellow.ring.internal.crypto.LocalIdentity;

class BroadcastQueueTest {

    private static MemberRecord record(int i) {
        LocalIdentity id = LocalIdentity.generate(LocalIdentity.seeded(500 + i));
        return MemberRecord.sign(id, "m" + i, new Endpoint("10.0.0." + i, 7946), 1, false, ResourceAdvert.EMPTY);
    }

    /** Room for exactly one record per take. */
    private static int oneRecord(MemberRecord r) {
        return r.encoded().length + Codec.UPDATE_OVERHEAD;
    }

    @Test
    void givenUpdatesSentDifferentTimes_whenTaken_thenTheLeastTransmittedGoesFirst() {
        BroadcastQueue q = new BroadcastQueue();
        MemberRecord a = record(3);
        MemberRecord b = record(4);
        q.queue(a);
        assertEquals(List.of(a), q.take(oneRecord(a), 1, 100));
        q.queue(b);
        assertEquals(List.of(b), q.take(oneRecord(b), 1, 100), "the newest of the least transmitted");
        assertEquals(List.of(b), q.take(oneRecord(b), 1, 100), "equal counts: the newest");
        assertEquals(List.of(a), q.take(oneRecord(a), 1, 100), "then the one sent fewer times");
    }

    @Test
    void givenTheTransmitLimit_whenReached_thenTheUpdateLeavesTheQueue() {
        BroadcastQueue q = new BroadcastQueue();
        MemberRecord a = record(5);
        q.queue(a);
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(a), q.take(oneRecord(a), 1, 3));
        }
        assertEquals(0, q.size());
        assertEquals(List.of(), q.take(oneRecord(a), 1, 3));
    }
}
