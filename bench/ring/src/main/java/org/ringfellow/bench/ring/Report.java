package org.ringfellow.bench.ring;

import java.util.ArrayList;
import java.util.List;

/** Collects result rows and prints them as Markdown tables. */
final class Report {

    private final List<String> sim = new ArrayList<>();
    private final List<String> fp = new ArrayList<>();
    private final List<String> real = new ArrayList<>();
    private final List<String> bw = new ArrayList<>();
    private final List<String> storm = new ArrayList<>();

    synchronized void storm(String r) {
        storm.add(r);
        System.out.println(r);
    }

    synchronized void bw(String r) {
        bw.add(r);
        System.out.println(r);
    }

    synchronized void row(String r) {
        sim.add(r);
        System.out.println(r);
    }

    synchronized void fp(String r) {
        fp.add(r);
        System.out.println(r);
    }

    synchronized void real(String r) {
        real.add(r);
        System.out.println(r);
    }

    void print(long heapPerRecord) {
        System.out.println();
        System.out.println("### Simulated convergence (virtual clock, LAN defaults, 1-5 ms delay, no loss)");
        System.out.println();
        System.out.println("| net | N | join 99.9% | join 100% | crash: first suspects | suspect 99.9% | suspect 100% "
                + "| first dead | dead 99.9% | dead 100% | bytes/node/s (10 s) | heap/view entry | false deaths | cost |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        sim.forEach(System.out::println);
        System.out.println();
        System.out.println("### Simulated join storm (N joins to member 0, then until all see all)");
        System.out.println();
        System.out.println("| N | seed | spacing | issuing N joins | all see all, after last join | seeing all | "
                + "bytes/node/s, first join to 10 s after the last | bytes/node/s, 60-120 s after the last join | wall |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        storm.forEach(System.out::println);
        System.out.println();
        System.out.println("### Steady-state traffic per member (probes, gossip and push-pull)");
        System.out.println();
        System.out.println("| N | loss | simulated | messages/node/s | bytes/node/s | wall |");
        System.out.println("|---|---|---|---|---|---|");
        bw.forEach(System.out::println);
        System.out.println();
        System.out.println("### False positives with random loss (no member fails)");
        System.out.println();
        System.out.println("| N | loss | simulated | suspicions | members declared dead | dead views "
                + "| false deaths per member-hour | alive everywhere at end | bytes/node/s | wall |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        fp.forEach(System.out::println);
        System.out.println();
        System.out.println("### Real loopback sockets (one UDP + one TCP socket per member, one JVM)");
        System.out.println();
        System.out.println("| N | probe / timeout, schedule | event-loop threads | issuing N joins "
                + "| all see all, after last join | one more join seen by all | first suspects, per crash "
                + "| all suspect, per crash | all dead, per crash | false removals | heap/member | wall "
                + "| load at end |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        real.forEach(System.out::println);
        System.out.println();
        System.out.println("Heap of one decoded member record: " + heapPerRecord + " bytes");
    }
}
