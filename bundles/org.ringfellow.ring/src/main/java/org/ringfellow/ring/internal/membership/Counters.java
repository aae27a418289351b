package org.ringfellow.ring.internal.membership;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.ringfellow.api.node.LatencyHistogram;

/** Traffic and drop counters; written on the protocol thread, read from any. */
public final class Counters implements org.ringfellow.ring.internal.transport.MeteredTransport.Meter {

    /** The probe round-trip histogram's upper bounds, in seconds. */
    public static final double[] PROBE_RTT_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};

    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder catchUpSyncs = new LongAdder();
    private final Map<String, AtomicLong> drops = new ConcurrentHashMap<>();
    private final LatencyHistogram probeRoundTrips = new LatencyHistogram(PROBE_RTT_BOUNDS);

    /** A probe answered directly, after {@code nanos} from its ping. */
    public void probeRoundTrip(long nanos) {
        probeRoundTrips.record(nanos);
    }

    /** @return the round trips of probes answered directly */
    public LatencyHistogram.Snapshot probeRoundTrips() {
        return probeRoundTrips.snapshot();
    }

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
