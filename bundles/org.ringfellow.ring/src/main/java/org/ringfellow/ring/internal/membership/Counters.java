package org.ringfellow.ring.internal.membership;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Traffic and drop counters; written on the protocol thread, read from any. */
public final class Counters implements org.ringfellow.ring.internal.transport.MeteredTransport.Meter {

    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder catchUpSyncs = new LongAdder();
    private final Map<String, AtomicLong> drops = new ConcurrentHashMap<>();

    /** One catch-up push-pull started (see {@link Swim}: after learning of several new members by gossip). */
    public void catchUpSync() {
        catchUpSyncs.increment();
    }

    /** @return catch-up push-pulls started */
    public long catchUpSyncs() { return catchUpSyncs.sum(); }

    @Override
    public void received(long bytes) {
        messagesIn.increment();
        bytesIn.add(bytes);
    }

    @Override
    public void sent(long bytes) {
        messagesOut.increment();
        bytesOut.add(bytes);
    }

    public void drop(String reason) {
        drops.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    public long messagesIn() { return messagesIn.sum(); }
    public long messagesOut() { return messagesOut.sum(); }
    public long bytesIn() { return bytesIn.sum(); }
    public long bytesOut() { return bytesOut.sum(); }

    public long drops(String reason) {
        AtomicLong v = drops.get(reason);
        return v == null ? 0 : v.get();
    }

    public Map<String, Long> drops() {
        Map<String, Long> out = new TreeMap<>();
        drops.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
