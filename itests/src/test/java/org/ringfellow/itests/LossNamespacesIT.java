package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Test;
import org.ringfellow.itests.NamespaceRing.Answer;
import org.ringfellow.itests.NamespaceRing.FellowshipRow;

/**
 * Issue 17, point 3: random packet loss on every link of a ring of five real nodes in
 * namespaces ({@link NamespaceRing#lossy}: iptables' {@code statistic} match, each packet
 * arriving on a node's link dropped with probability p), first 5 %, then 20 %, with the
 * calculator deployed (three members) and under load through every node's ingress. No node
 * dies, so every death the Ring declares is a false one, and so is every member an app's
 * fellowship removes for silence: counted from every node's log ({@code Ring member ... is dead}
 * / {@code is suspected} / {@code refuted its suspicion}, {@code Fellowship app.*: member ... has
 * acknowledged nothing ...; removing it}, elections, step-downs) and from
 * {@code ring:members} read over and over on every node (a member in any state but ALIVE). The
 * load: one loop per ingress asks {@code a*b} of random numbers (30 s timeout, a new request
 * 0.2 s after each answer) and checks the product.
 *
 * <p>Asserted (no timing): no wrong answer ever; in each phase every ingress gives right
 * answers and right answers are at least {@code resilience.lossMinRight} (default 0.8) of the
 * requests (the figures measured are in docs/reliability.md); once the loss is removed every
 * node sees all five alive, every ingress answers right and one calculator container runs per
 * member. The short form (CI) runs each phase {@code resilience.lossSeconds} (60) seconds; the
 * full form ({@code bench/resilience/run loss}) 600. Figures go to stdout and
 * {@code target/resilience/loss.txt}.
 */
public class LossNamespacesIT {

    private static final int SIZE = 5;
    private static final String CALCULATOR = "app.calculator";

    private NamespaceRing ring;
    private final StringBuilder report = new StringBuilder();

    @After
    public void tearDown() throws Exception {
        if (ring != null) {
            ring.close();
        }
    }

    /** What one phase of loss gave. */
    private static final class Phase {
        final Map<Integer, Map<String, Integer>> answers = new ConcurrentHashMap<>();
        final AtomicInteger right = new AtomicInteger();
        final AtomicInteger wrong = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final List<String> wrongSeen = java.util.Collections.synchronizedList(new ArrayList<>());
        /** (observer, member) pairs seen in a state other than ALIVE by ring:members, and how often. */
        final Map<String, Integer> notAliveSeen = new ConcurrentHashMap<>();
        final AtomicInteger memberReads = new AtomicInteger();
        /** Epochs of the calculator's fellowship seen, by node. */
        final Map<Integer, java.util.Set<Long>> epochs = new ConcurrentHashMap<>();
    }

    @Test
    public void givenFiveNodesWithTheCalculatorUnderLoad_whenEveryLinkLosesFiveThenTwentyPercent_thenAppsKeepAnsweringRight()
            throws Exception {
        int seconds = Integer.getInteger("resilience.lossSeconds", 60);
        double minRight = Double.parseDouble(System.getProperty("resilience.lossMinRight", "0.8"));
        List<Double> rates = new ArrayList<>();
        for (String r : System.getProperty("resilience.lossRates", "0.05,0.20").split(",")) {
            rates.add(Double.parseDouble(r.trim()));
        }
        ring = NamespaceRing.create("r9loss", 241, SIZE, (i, n) -> { });
        try {
            long bootAt = System.nanoTime();
            ring.startAll();
            String deployed = ring.node(1).console("app:deploy " + ring.calculatorJar(1));
            assertTrue(deployed + "\n" + ring.node(1).logTail(),
                    deployed.contains("App calculator is running on 3 member(s)."));
            for (int i = 1; i <= SIZE; i++) {
                int node = i;
                assertTrue("node " + i + " answers 6*7 before the loss",
                        NamespaceRing.Poll.until(120, () -> ring.eval(node, "6*7", 20).isResult("42")));
            }
            report.append(String.format(Locale.ROOT, "%d nodes booted and the calculator deployed in %.0f s; "
                    + "before the loss: %s%n", SIZE, (System.nanoTime() - bootAt) / 1e9, calculatorRoster()));

            for (double rate : rates) {
                Phase phase = run(rate, seconds);
                double share = phase.requests.get() == 0 ? 0 : (double) phase.right.get() / phase.requests.get();
                assertEquals(pct(rate) + " loss: no wrong answer: " + phase.wrongSeen, 0, phase.wrong.get());
                for (int i = 1; i <= SIZE; i++) {
                    Map<String, Integer> a = phase.answers.getOrDefault(i, Map.of());
                    assertTrue(pct(rate) + " loss: node " + i + "'s ingress answered right at least once: " + a,
                            a.getOrDefault("right", 0) > 0);
                }
                assertTrue(String.format(Locale.ROOT, "%s loss: right answers %.1f %% of %d requests, at least %.0f %%",
                        pct(rate), share * 100, phase.requests.get(), minRight * 100), share >= minRight);
            }
        } finally {
            System.out.println(report);
            Path out = Path.of("target/resilience/loss.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
        }
    }

    /** One phase: loss at {@code rate} for {@code seconds} under load, then healed and checked whole again. */
    private Phase run(double rate, int seconds) throws Exception {
        Phase phase = new Phase();
        Map<Integer, Integer> logBefore = new TreeMap<>();
        for (int i = 1; i <= SIZE; i++) {
            logBefore.put(i, ringEvents(i).size());
        }
        AtomicBoolean over = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(SIZE + 1);
        long start;
        try {
            ring.lossy(rate);
            start = System.nanoTime();
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 1; i <= SIZE; i++) {
                int node = i;
                loops.add(pool.submit(() -> {
                    Random random = new Random(1000L * node + Math.round(rate * 100));
                    while (!over.get()) {
                        long a = 1 + random.nextInt(9999);
                        long b = 1 + random.nextInt(9999);
                        Answer ans = ring.eval(node, a + "*" + b, 30);
                        phase.requests.incrementAndGet();
                        String outcome;
                        if (ans.isResult(Long.toString(a * b))) {
                            outcome = "right";
                            phase.right.incrementAndGet();
                        } else if (ans.status() == 200) {
                            outcome = "wrong";
                            phase.wrong.incrementAndGet();
                            phase.wrongSeen.add(a + "*" + b + " -> " + ans);
                        } else {
                            outcome = ans.status() == -1 ? "no answer in 30 s" : Integer.toString(ans.status());
                        }
                        phase.answers.computeIfAbsent(node, k -> new ConcurrentHashMap<>()).merge(outcome, 1,
                                Integer::sum);
                        Thread.sleep(200);
                    }
                    return null;
                }));
            }
            loops.add(pool.submit(() -> {
                while (!over.get()) {
                    for (int i = 1; i <= SIZE && !over.get(); i++) {
                        sampleMembers(i, phase);
                    }
                }
                return null;
            }));
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                Thread.sleep(200);
            }
            over.set(true);
            for (Future<?> f : loops) {
                f.get(3, TimeUnit.MINUTES);
            }
        } finally {
            over.set(true);
            pool.shutdownNow();
            ring.lossless();
        }
        double ran = (System.nanoTime() - start) / 1e9;

        // what the Ring logged meanwhile: nobody died, so each death is a false one
        Map<String, Integer> events = new TreeMap<>();
        List<String> deaths = new ArrayList<>();
        for (int i = 1; i <= SIZE; i++) {
            List<String> lines = ringEvents(i);
            for (String l : lines.subList(Math.min(logBefore.get(i), lines.size()), lines.size())) {
                String kind = l.contains(" is dead") ? "dead" : l.contains(" is suspected") ? "suspected"
                        : l.contains("refuted its suspicion") ? "refuted" : l.contains(" joined") ? "joined"
                        : l.contains("has acknowledged nothing") ? "fellowship member evicted (no ack)"
                        : l.contains("steps down") ? "fellowship coordinator stepped down"
                        : l.contains("gives it up") ? "fellowship given up"
                        : l.contains("asking for votes") ? "fellowship election"
                        : l.contains("removing") ? "fellowship removal"
                        : l.contains("Ring member") && l.contains(" left") ? "left" : "other";
                events.merge(kind, 1, Integer::sum);
                if (kind.equals("dead") || kind.startsWith("fellowship member evicted")) {
                    deaths.add("node " + i + ": " + l.replaceAll("^.*(Ring member|Fellowship )", "$1"));
                }
            }
        }

        // once the loss is gone: whole again (not timed as an assertion; the time is reported)
        long healAt = System.nanoTime();
        AtomicInteger reads = new AtomicInteger();
        boolean whole = NamespaceRing.Poll.until(180, () -> {
            reads.incrementAndGet();
            return ring.allSeeAlive(SIZE) && fullRoster();
        });
        double wholeSeconds = (System.nanoTime() - healAt) / 1e9;

        double share = phase.requests.get() == 0 ? 0 : (double) phase.right.get() / phase.requests.get();
        report.append(String.format(Locale.ROOT, "== %s loss on every link, %.0f s%n", pct(rate), ran));
        report.append(String.format(Locale.ROOT, "requests %d, right %d (%.2f %%), wrong %d%n", phase.requests.get(),
                phase.right.get(), share * 100, phase.wrong.get()));
        report.append("answers by ingress (node: outcome = count): ").append(new TreeMap<>(phase.answers))
                .append('\n');
        report.append("Ring and app fellowship events logged by all nodes during the loss: ").append(events.isEmpty() ? "none" : events)
                .append('\n');
        report.append("false deaths logged (Ring deaths and fellowship evictions; observer: line): ").append(deaths.size()).append(deaths.isEmpty() ? ""
                : " " + deaths).append('\n');
        report.append("ring:members reads ").append(phase.memberReads.get())
                .append("; (observer->member: state) seen not ALIVE, times: ")
                .append(phase.notAliveSeen.isEmpty() ? "never" : new TreeMap<>(phase.notAliveSeen)).append('\n');
        report.append("epochs of ").append(CALCULATOR).append(" seen by node: ").append(new TreeMap<>(phase.epochs))
                .append('\n');
        report.append(String.format(Locale.ROOT, "after the loss: %s, %s%n",
                whole ? String.format(Locale.ROOT, "whole (every node sees %d alive, the roster full and agreed) at "
                        + "read %d of every node's views, %.1f s after the rules were removed (one read of the five "
                        + "nodes' views takes seconds: the resolution)", SIZE, reads.get(), wholeSeconds)
                        : "NOT whole within 180 s", calculatorRoster()));
        System.out.print(report);

        assertTrue(pct(rate) + ": every node sees " + SIZE + " alive and the roster is full again after the loss: "
                + calculatorRoster(), whole);
        for (int i = 1; i <= SIZE; i++) {
            int node = i;
            assertTrue(pct(rate) + ": node " + i + " answers 6*7 after the loss",
                    NamespaceRing.Poll.until(120, () -> ring.eval(node, "6*7", 20).isResult("42")));
        }
        int members = ring.allFellowships(List.of(1, 2, 3, 4, 5)).values().stream().flatMap(List::stream)
                .filter(r -> r.id().equals(CALCULATOR)).findFirst().map(FellowshipRow::members).orElse(-1);
        assertTrue(pct(rate) + ": one calculator container per member (" + members + "): " + containers(),
                NamespaceRing.Poll.until(120, () -> containerCount() == members));
        return phase;
    }

    private void sampleMembers(int i, Phase phase) {
        try {
            String out = ring.node(i).console("ring:members", "fellowship:list");
            phase.memberReads.incrementAndGet();
            for (String line : out.split("\\R")) {
                String[] cols = line.trim().split("[\\s|]+");
                if (cols.length >= 4 && cols[0].matches("[0-9a-f]{12}") && !cols[3].equals("ALIVE")) {
                    phase.notAliveSeen.merge("node" + i + "->" + cols[1] + ": " + cols[3], 1, Integer::sum);
                }
            }
            for (FellowshipRow r : NamespaceRing.parseFellowships(i, out)) {
                if (r.id().equals(CALCULATOR)) {
                    phase.epochs.computeIfAbsent(i, k -> new java.util.TreeSet<>()).add(r.epoch());
                }
            }
        } catch (Exception e) {
            phase.notAliveSeen.merge("node" + i + ": console failed", 1, Integer::sum);
        }
    }

    /** The Ring's member events in node {@code i}'s log, in order. */
    private List<String> ringEvents(int i) throws IOException {
        Path log = ring.node(i).home().resolve("data/log/karaf.log");
        List<String> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (String l : Files.readAllLines(log)) {
                if ((l.contains("Ring member ") && !l.contains(" listening on ")) || l.contains("Fellowship app.")) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    private boolean fullRoster() throws Exception {
        List<FellowshipRow> rows = new ArrayList<>();
        for (int i = 1; i <= SIZE; i++) {
            ring.fellowships(i).stream().filter(r -> r.id().equals(CALCULATOR)).forEach(rows::add);
        }
        if (rows.isEmpty()) {
            return false;
        }
        FellowshipRow first = rows.get(0);
        return first.members() == first.target() && rows.size() == first.members()
                && rows.stream().allMatch(r -> r.epoch() == first.epoch() && r.version() == first.version())
                && rows.stream().filter(FellowshipRow::selfCoordinator).count() == 1;
    }

    private String calculatorRoster() throws Exception {
        Map<Integer, String> by = new TreeMap<>();
        for (int i = 1; i <= SIZE; i++) {
            for (FellowshipRow r : ring.fellowships(i)) {
                if (r.id().equals(CALCULATOR)) {
                    by.put(i, "e" + r.epoch() + " v" + r.version() + " " + r.members() + "/" + r.target()
                            + (r.selfCoordinator() ? " coord" : ""));
                }
            }
        }
        return CALCULATOR + " on nodes " + by;
    }

    private Map<Integer, List<String>> containers() throws Exception {
        Map<Integer, List<String>> out = new TreeMap<>();
        for (int i = 1; i <= SIZE; i++) {
            out.put(i, ring.runcContainers(i));
        }
        return out;
    }

    private int containerCount() throws Exception {
        return containers().values().stream().mapToInt(List::size).sum();
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, "%.0f %%", rate * 100);
    }
}
