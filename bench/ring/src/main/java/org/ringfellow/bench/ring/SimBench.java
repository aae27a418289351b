package org.ringfellow.bench.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.ring.internal.codec.MemberRecord;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;
import org.ringfellow.ring.internal.sim.SimCluster;

/** Scale runs on the simulated network: the real protocol code on a virtual clock, one thread. */
final class SimBench {

    private static final RingConfig LAN = RingConfig.defaultLanConfig();

    private SimBench() {
    }

    /** Builds a ring of {@code n} members that already know each other (a converged steady state). */
    static SimCluster converged(int n, long seed, double loss) {
        SimCluster c = new SimCluster(LAN, seed, new SignatureVerifier(1 << 16));
        c.network().setLoss(loss);
        for (int i = 0; i < n; i++) {
            c.add().start();
        }
        List<MemberRecord> records = new ArrayList<>(n);
        c.forEach(node -> records.add(node.swim.selfRecord()));
        c.forEach(node -> node.swim.adoptForSimulation(records));
        return c;
    }

    static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    static long percentile(long[] times, double fraction) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    /** Join and crash convergence, bandwidth and heap for one ring size. */
    static void convergence(int n, long seed, Report report) {
        long heap0 = usedHeap();
        long wall0 = System.nanoTime();
        SimCluster c = converged(n, seed, 0.0);
        long heapPerEntry = (usedHeap() - heap0) / ((long) n * n);
        c.clock().advance(10_000); // steady state
        long bytes0 = totalBytesOut(c);
        long t0 = c.clock().now();
        c.clock().advance(10_000);
        double bytesPerNodeSecond = (totalBytesOut(c) - bytes0) / (double) n / ((c.clock().now() - t0) / 1000.0);

        // Join: one new member through member 0; when does each old member see it alive?
        long[] seen = new long[n];
        Arrays.fill(seen, Long.MAX_VALUE);
        SimCluster.Node joiner = c.add().start();
        NodeId joinerId = joiner.identity.id();
        long joinStart = c.clock().now();
        c.setListener((at, e) -> {
            if (at.index < n && e.type() == RingEvent.Type.JOINED && e.member().id().equals(joinerId)
                    && seen[at.index] == Long.MAX_VALUE) {
                seen[at.index] = c.clock().now() - joinStart;
            }
        });
        joiner.join(c.node(0).address);
        c.clock().runUntil(() -> countKnown(seen) >= n, 50, 60_000);
        long join999 = percentile(seen, 0.999);
        long join100 = percentile(seen, 1.0);

        // Crash: a member fails without a word; when does each survivor suspect it, declare it dead?
        SimCluster.Node victim = c.node(n / 2);
        NodeId victimId = victim.identity.id();
        long[] suspect = new long[n + 1];
        long[] dead = new long[n + 1];
        Arrays.fill(suspect, Long.MAX_VALUE);
        Arrays.fill(dead, Long.MAX_VALUE);
        int[] falseDeaths = {0};
        long crashAt = c.clock().now();
        c.setListener((at, e) -> {
            long t = c.clock().now() - crashAt;
            if (!e.member().id().equals(victimId)) {
                if (e.type() == RingEvent.Type.DEAD) {
                    falseDeaths[0]++;
                }
                return;
            }
            if ((e.type() == RingEvent.Type.SUSPECTED || e.type() == RingEvent.Type.DEAD)
                    && suspect[at.index] == Long.MAX_VALUE) {
                suspect[at.index] = t;
            }
            if (e.type() == RingEvent.Type.DEAD && dead[at.index] == Long.MAX_VALUE) {
                dead[at.index] = t;
            }
        });
        victim.crash();
        c.clock().runUntil(() -> countKnown(dead) >= n, 50, 180_000);
        long[] s = without(suspect, victim.index);
        long[] d = without(dead, victim.index);
        long simSeconds = c.clock().now() / 1000;
        double wall = (System.nanoTime() - wall0) / 1e9;
        report.row(String.format("| sim | %,d | %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %d B | %d | %.0f s wall, %d s simulated |",
                n, ms(join999), ms(join100), ms(percentile(s, 0.0)), ms(percentile(s, 0.999)), ms(percentile(s, 1.0)),
                ms(percentile(d, 0.0)), ms(percentile(d, 0.999)), ms(percentile(d, 1.0)), bytesPerNodeSecond, heapPerEntry,
                falseDeaths[0], wall, simSeconds));
    }

    private static long[] without(long[] a, int index) {
        long[] out = new long[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) {
            if (i != index) {
                out[j++] = a[i];
            }
        }
        return out;
    }

    static String ms(long t) {
        return t == Long.MAX_VALUE ? "not reached" : String.format("%.2f s", t / 1000.0);
    }

    private static int countKnown(long[] a) {
        int k = 0;
        for (long v : a) {
            if (v != Long.MAX_VALUE) {
                k++;
            }
        }
        return k;
    }

    static long totalBytesOut(SimCluster c) {
        long sum = 0;
        for (SimCluster.Node node : c.nodes()) {
            if (node.swim.running()) {
                sum += node.swim.counters().bytesOut();
            }
        }
        return sum;
    }

    /** No failures at all, only packet loss: every suspicion is false, every death a false positive. */
    static void falsePositives(int n, double loss, long simSeconds, long seed, Report report) {
        long wall0 = System.nanoTime();
        SimCluster c = converged(n, seed, loss);
        c.clock().advance(10_000); // let the start-up gossip of every member's record die down
        int[] suspicions = {0};
        int[] deadViews = {0};
        Set<NodeId> declaredDead = new HashSet<>();
        c.setListener((at, e) -> {
            if (e.type() == RingEvent.Type.SUSPECTED) {
                suspicions[0]++;
            } else if (e.type() == RingEvent.Type.DEAD) {
                deadViews[0]++;
                declaredDead.add(e.member().id());
            }
        });
        long bytes0 = totalBytesOut(c);
        c.clock().advance(simSeconds * 1000);
        double hours = simSeconds / 3600.0;
        double bytesPerNodeSecond = (totalBytesOut(c) - bytes0) / (double) n / simSeconds;
        int stillAliveEverywhere = 0;
        for (SimCluster.Node node : c.nodes()) {
            if (c.countSeeing(node, MemberState.ALIVE) == n - 1) {
                stillAliveEverywhere++;
            }
        }
        report.fp(String.format("| %,d | %.0f%% | %d s | %d | %d | %d | %.4f | %d / %d | %.0f | %.0f s |", n, loss * 100,
                simSeconds, suspicions[0], declaredDead.size(), deadViews[0], declaredDead.size() / (n * hours),
                stillAliveEverywhere, n, bytesPerNodeSecond, (System.nanoTime() - wall0) / 1e9));
    }

    /** Steady-state traffic per member, push-pull anti-entropy included (its period grows in proportion to N). */
    static void bandwidth(int n, long simSeconds, double loss, long seed, Report report) {
        long wall0 = System.nanoTime();
        SimCluster c = converged(n, seed, loss);
        c.clock().advance(10_000);
        long bytes0 = totalBytesOut(c);
        long msgs0 = totalMessagesOut(c);
        c.clock().advance(simSeconds * 1000);
        double bytes = (totalBytesOut(c) - bytes0) / (double) n / simSeconds;
        double msgs = (totalMessagesOut(c) - msgs0) / (double) n / simSeconds;
        report.bw(String.format("| %,d | %.0f%% | %d s | %.1f | %.0f | %.0f s |", n, loss * 100, simSeconds, msgs, bytes,
                (System.nanoTime() - wall0) / 1e9));
    }

    static long totalMessagesOut(SimCluster c) {
        long sum = 0;
        for (SimCluster.Node node : c.nodes()) {
            if (node.swim.running()) {
                sum += node.swim.counters().messagesOut();
            }
        }
        return sum;
    }

    /** Heap of one decoded member record with a typical advert, alone. */
    static long heapPerRecord() throws Exception {
        SimCluster c = converged(1, 1, 0);
        byte[] enc = c.node(0).swim.selfRecord().encoded();
        int count = 100_000;
        Object[] keep = new Object[count];
        long before = usedHeap();
        for (int i = 0; i < count; i++) {
            keep[i] = MemberRecord.decode(enc);
        }
        long after = usedHeap();
        if (keep[count - 1] == null) {
            throw new IllegalStateException();
        }
        return (after - before) / count;
    }
}
