package org.ringfellow.bench.ring;

import org.ringfellow.api.ring.MemberState;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;
import org.ringfellow.ring.internal.sim.SimCluster;

/**
 * Cold start on the simulated network: N members join member 0 one after another, {@code spacing}
 * ms apart (as {@code RingBench real} does on sockets), then the time from the last join until
 * every member sees every other alive, the bytes per member per second over the storm and the
 * convergence, and over a quiet window afterwards.
 */
final class StormBench {

    private static final RingConfig LAN = RingConfig.defaultLanConfig();

    static final long STORM_TAIL_MILLIS = 10_000;
    static final long QUIET_FROM_MILLIS = 60_000;
    static final long QUIET_MILLIS = 60_000;

    private StormBench() {
    }

    private static double bytesPerNodeSecond(SimCluster c, int n, long bytes0, long from, long to) {
        return (SimBench.totalBytesOut(c) - bytes0) / (double) n / ((to - from) / 1000.0);
    }

    static void run(int n, long spacingMillis, long seed, long timeoutMillis, Report report) {
        long wall0 = System.nanoTime();
        SimCluster c = new SimCluster(LAN, seed, new SignatureVerifier(1 << 16));
        long start = c.clock().now();
        c.grow(n, spacingMillis);
        // grow() advances the clock by one spacing after the last join
        long lastJoin = c.clock().now() - spacingMillis;
        long[] stormBytes = {-1};
        c.clock().schedule(STORM_TAIL_MILLIS - spacingMillis, () -> stormBytes[0] = SimBench.totalBytesOut(c));
        boolean done = c.clock().runUntil(c::converged, Math.max(10, n / 20), timeoutMillis);
        long convergedAt = c.clock().now();
        int seeingAll = 0;
        for (SimCluster.Node node : c.nodes()) {
            if (node.swim.countInState(MemberState.ALIVE) == n) {
                seeingAll++;
            }
        }
        // Fixed windows, the same whatever the convergence time: the storm and the 10 s after it,
        // then a quiet minute from 60 s after the last join (the steady state, as SimBench.bandwidth).
        long stormEnd = lastJoin + STORM_TAIL_MILLIS;
        c.clock().runUntil(Math.max(stormEnd, c.clock().now()));
        double storm = stormBytes[0] / (double) n / ((stormEnd - start) / 1000.0);
        long quietStart = lastJoin + QUIET_FROM_MILLIS;
        c.clock().runUntil(Math.max(quietStart, c.clock().now()));
        long quiet0 = SimBench.totalBytesOut(c);
        long q0 = c.clock().now();
        c.clock().advance(QUIET_MILLIS);
        double quiet = bytesPerNodeSecond(c, n, quiet0, q0, c.clock().now());
        report.storm(String.format("| %,d | %d | %d ms | %.2f s | %s | %d / %d | %.0f | %.0f | %.0f s |", n, seed, spacingMillis,
                (lastJoin - start) / 1000.0,
                done ? String.format("%.2f s", (convergedAt - lastJoin) / 1000.0)
                        : "not reached in " + timeoutMillis / 1000 + " s",
                seeingAll, n, storm, quiet, (System.nanoTime() - wall0) / 1e9));
    }
}
