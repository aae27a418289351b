package org.ringfellow.bench.ring;

import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.ring.internal.RingRuntime;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

/** N members in one JVM on real loopback UDP and TCP, one socket pair per member, default LAN timings. */
final class RealBench {

    private RealBench() {
    }

    static void run(int n, int threads, long joinSpacingMillis, long convergeTimeoutMillis, boolean preformed,
            int crashes, RingConfig config, Report report)
            throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(threads);
        List<RingRuntime> members = new ArrayList<>();
        List<NodeId> ids = new ArrayList<>();
        SignatureVerifier verifier = new SignatureVerifier(1 << 16);
        @SuppressWarnings("unchecked")
        Map<Integer, Long>[] suspectAtRef = new Map[] {new ConcurrentHashMap<>()};
        @SuppressWarnings("unchecked")
        Map<Integer, Long>[] deadAtRef = new Map[] {new ConcurrentHashMap<>()};
        AtomicInteger falseRemovals = new AtomicInteger();
        Set<NodeId> victims = ConcurrentHashMap.newKeySet();
        NodeId[] victim = {null};
        NodeId[] late = {null};
        @SuppressWarnings("unchecked")
        Map<Integer, Long>[] lateSeen = new Map[1];
        long heap0 = SimBench.usedHeap();
        long wall0 = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                LocalIdentity id = LocalIdentity.generate(LocalIdentity.seeded(7_000 + i));
                ids.add(id.id());
                int index = i;
                members.add(RingRuntime.start(group.next(), config, id, "m" + i,
                        ResourceAdvert.EMPTY, "127.0.0.1", 0, "127.0.0.1", 0, verifier, e -> {
                            boolean isVictim = e.member().id().equals(victim[0]);
                            Map<Integer, Long> suspectAt = suspectAtRef[0];
                            Map<Integer, Long> deadAt = deadAtRef[0];
                            long now = System.nanoTime();
                            if (e.type() == RingEvent.Type.JOINED && e.member().id().equals(late[0])) {
                                lateSeen[0].putIfAbsent(index, now);
                            }
                            if (isVictim && (e.type() == RingEvent.Type.SUSPECTED
                                    || e.type() == RingEvent.Type.DEAD)) {
                                suspectAt.putIfAbsent(index, now);
                            }
                            if (isVictim && e.type() == RingEvent.Type.DEAD) {
                                deadAt.putIfAbsent(index, now);
                            }
                            if (!victims.contains(e.member().id())
                                    && (e.type() == RingEvent.Type.DEAD || e.type() == RingEvent.Type.LEFT)) {
                                falseRemovals.incrementAndGet();
                            }
                        }));
            }
            System.out.printf("N=%d: %d members started in %.1f s%n", n, n, (System.nanoTime() - wall0) / 1e9);
            long start = System.nanoTime();
            int failedJoins = 0;
            if (preformed) {
                // Bench shortcut: every member adopts every record as if the ring had formed long ago,
                // skipping the N-squared join storm; probing, gossip and failure detection are real.
                List<org.ringfellow.ring.internal.codec.MemberRecord> records = new ArrayList<>();
                for (RingRuntime r : members) {
                    records.add(r.call(s -> s.selfRecord()));
                }
                // Queued on every loop at once, so no member gossips before all have adopted.
                List<java.util.concurrent.CompletableFuture<Object>> adopted = new ArrayList<>();
                for (RingRuntime r : members) {
                    adopted.add(r.callAsync(s -> {
                        s.adoptForSimulation(records);
                        return null;
                    }));
                }
                for (var f : adopted) {
                    f.get(300, TimeUnit.SECONDS);
                }
            }
            for (int i = 1; i < n && !preformed; i++) {
                try {
                    if (members.get(i).join(List.of(members.get(0).address()), 60_000) == 0) {
                        failedJoins++;
                    }
                } catch (IOException e) {
                    failedJoins++;
                }
                // Members arrive one by one, not all in the same millisecond.
                Thread.sleep(joinSpacingMillis);
            }
            long joinsIssued = System.nanoTime();
            if (failedJoins > 0) {
                System.out.println("joins that got no answer from the seed: " + failedJoins);
            }
            System.out.printf("N=%d: %d joins issued in %.1f s%n", n, n - 1, (joinsIssued - start) / 1e9);
            long[] lastReport = {System.nanoTime()};
            long converged = pollUntil(() -> {
                if (System.nanoTime() - lastReport[0] > 10_000_000_000L) {
                    lastReport[0] = System.nanoTime();
                    System.out.printf("  %.0f s after the last join: fewest alive in a view %d, members seeing all %d%n",
                            (lastReport[0] - joinsIssued) / 1e9, minAlive(members), countSeeingAll(members, n));
                }
                return allSee(members, n);
            }, convergeTimeoutMillis, Math.max(10, n / 4));
            String convergedText = converged < 0
                    ? "not reached in " + convergeTimeoutMillis / 1000 + " s (" + countSeeingAll(members, n) + " of " + n
                            + " saw all)"
                    : null;
            double heapPerMember = (SimBench.usedHeap() - heap0) / (double) n;

            // One more member joins the converged ring: when does every member see it?
            Map<Integer, Long> joinedAt = new ConcurrentHashMap<>();
            LocalIdentity lateId = LocalIdentity.generate(LocalIdentity.seeded(6_999));
            late[0] = lateId.id();
            lateSeen[0] = joinedAt;
            RingRuntime lateMember = RingRuntime.start(group.next(), config, lateId, "late",
                    ResourceAdvert.EMPTY, "127.0.0.1", 0, "127.0.0.1", 0, verifier, e -> { });
            members.add(lateMember);
            long lateStart = System.nanoTime();
            lateMember.join(List.of(members.get(0).address()), 30_000);
            long lateAll = pollUntil(() -> joinedAt.size() >= n, 120_000);

            // Members crash one at a time, without a leave: member 1 first (every other member has
            // heard of it, converged or not), then 2, 3, ..., each once the previous one is dead
            // everywhere and views have settled.
            List<String> firstSuspects = new ArrayList<>();
            List<String> allSuspects = new ArrayList<>();
            List<String> allDeads = new ArrayList<>();
            int survivors = n;
            for (int k = 0; k < crashes; k++) {
                if (k > 0) {
                    Thread.sleep(3_000);
                }
                int v = 1 + k;
                Map<Integer, Long> suspectAt = new ConcurrentHashMap<>();
                Map<Integer, Long> deadAt = new ConcurrentHashMap<>();
                suspectAtRef[0] = suspectAt;
                deadAtRef[0] = deadAt;
                victims.add(ids.get(v));
                victim[0] = ids.get(v);
                long crash = System.nanoTime();
                members.get(v).stop();
                survivors--;
                int others = survivors;
                long allSuspect = pollUntil(() -> suspectAt.size() >= others, 120_000);
                long allDead = pollUntil(() -> deadAt.size() >= others, 120_000);
                long first = suspectAt.values().stream().mapToLong(Long::longValue).min().orElse(-1);
                firstSuspects.add(since(first, crash).replace(" s", ""));
                allSuspects.add(since(allSuspect, crash).replace(" s", ""));
                allDeads.add(since(allDead, crash).replace(" s", ""));
                System.out.printf("N=%d crash %d: first suspects %s, all suspect %s, all dead %s, load %s%n", n,
                        k + 1, since(first, crash), since(allSuspect, crash), since(allDead, crash), loadAverage());
                if (allDead < 0) {
                    break;
                }
            }
            report.real(String.format("| %,d%s | %s | %d | %.2f s | %s | %s | %s s | %s s | %s s | %d | %.3f MB | %.0f s |"
                    + " %s |", n, preformed ? " (pre-formed)" : "", timings(config), threads,
                    (joinsIssued - start) / 1e9, convergedText != null ? convergedText : since(converged, joinsIssued),
                    since(lateAll, lateStart),
                    String.join(" / ", firstSuspects), String.join(" / ", allSuspects),
                    String.join(" / ", allDeads), falseRemovals.get(), heapPerMember / (1 << 20),
                    (System.nanoTime() - wall0) / 1e9, loadAverage()));
        } finally {
            for (RingRuntime r : members) {
                r.stop();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static String timings(RingConfig c) {
        return c.probeIntervalMillis() + " / " + c.probeTimeoutMillis() + " ms, "
                + (c.ringProbeSchedule() ? "rotation" : "random");
    }

    /** @return the 1-minute load average (other work on the machine shows in every figure) */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String since(long t, long from) {
        return t < 0 ? "not reached" : String.format("%.2f s", (t - from) / 1e9);
    }

    /**
     * Every member's count of members it holds alive, asked of all members at once (one trip
     * through each loop's queue, not N in a row: on a starved CPU the queues are long).
     * @return the counts, -1 for a member that did not answer in 30 s
     */
    private static int[] aliveCounts(List<RingRuntime> members) {
        List<java.util.concurrent.CompletableFuture<Integer>> asked = new ArrayList<>(members.size());
        for (RingRuntime r : members) {
            asked.add(r.callAsync(s -> s.countInState(MemberState.ALIVE)));
        }
        int[] counts = new int[members.size()];
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int i = 0; i < counts.length; i++) {
            try {
                counts[i] = asked.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                counts[i] = -1;
            }
        }
        return counts;
    }

    private static int minAlive(List<RingRuntime> members) {
        return java.util.Arrays.stream(aliveCounts(members)).min().orElse(-1);
    }

    private static int countSeeingAll(List<RingRuntime> members, int n) {
        return (int) java.util.Arrays.stream(aliveCounts(members)).filter(c -> c >= n).count();
    }

    private static boolean allSee(List<RingRuntime> members, int n) {
        return java.util.Arrays.stream(aliveCounts(members)).allMatch(c -> c >= n);
    }

    /** @return the nanoTime when the condition first held, or -1 */
    private static long pollUntil(java.util.function.BooleanSupplier c, long timeoutMillis)
            throws InterruptedException {
        return pollUntil(c, timeoutMillis, 10);
    }

    private static long pollUntil(java.util.function.BooleanSupplier c, long timeoutMillis, long stepMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) {
                return System.nanoTime();
            }
            Thread.sleep(stepMillis);
        }
        return -1;
    }
}
