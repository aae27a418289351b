package org.ringfellow.fellowship.internal.channel;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of a transport. */
public final class TransportStats {
    final AtomicLong framesIn = new AtomicLong();
    final AtomicLong framesOut = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong oversized = new AtomicLong();
    final AtomicLong backpressure = new AtomicLong();
    final AtomicLong undelivered = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    final AtomicLong handshakesCompleted = new AtomicLong();
    final AtomicLong handshakesFailed = new AtomicLong();

    public long framesIn() {
        return framesIn.get();
    }

    public long malformed() {
        return malformed.get();
    }

    public long oversized() {
        return oversized.get();
    }

    public long backpressure() {
        return backpressure.get();
    }

    /** A snapshot for the console. */
    public Map<String, Long> snapshot(long rejectedHandshakes) {
        Map<String, Long> m = new TreeMap<>();
        m.put("frames.in", framesIn.get());
        m.put("frames.out", framesOut.get());
        m.put("drop.malformed", malformed.get());
        m.put("drop.oversized", oversized.get());
        m.put("drop.backpressure", backpressure.get());
        m.put("drop.undelivered", undelivered.get());
        m.put("connect.failures", connectFailures.get());
        m.put("handshake.completed", handshakesCompleted.get());
        m.put("handshake.failed", handshakesFailed.get());
        m.put("handshake.rejected", rejectedHandshakes);
        return m;
    }
}
