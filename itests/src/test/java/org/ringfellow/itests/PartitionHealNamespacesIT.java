package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Test;
import org.ringfellow.itests.NamespaceRing.Answer;
import org.ringfellow.itests.NamespaceRing.FellowshipRow;
import org.ringfellow.itests.NamespaceRing.Views;

/**
 * Issue 17, point 2: a ring of six real nodes in namespaces with the calculator deployed (three
 * members; declared {@code Ringfellow-App-Http: coordinator}, so it stands for an app with state
 * whose coordinator alone answers HTTP), split 3 + 3 with iptables, then healed. The split puts the calculator's coordinator
 * with the two nodes that are not members, so the other side holds a majority of the roster
 * without its coordinator: it must elect one, and the old one must step down. While it is split
 * every node's {@code fellowship:list} is read over and over and the calculator is asked through
 * every node's ingress; after the heal the same goes on until every view is whole again.
 * Checked: never two nodes acting as coordinator of one fellowship in one epoch, every Ring view
 * and every fellowship's roster whole again (all members agree on epoch, version and
 * coordinator, the roster is full, no node believes itself a member the roster does not list),
 * every ingress answers right again and the nodes run exactly one calculator container per member.
 *
 * <p>The short form (CI) splits for {@code resilience.splitSeconds} (20) and waits up to
 * {@code resilience.healSeconds} (180) for the views; the full form of docs/reliability.md
 * ({@code -Dresilience.full=true -Dresilience.splitSeconds=60}) also asks them whole within 30 s.
 * What the app answered on each side, and how long the views took, are printed and written to
 * {@code target/resilience/partition-heal.txt}.
 */
public class PartitionHealNamespacesIT {

    private static final List<Integer> ALL = List.of(1, 2, 3, 4, 5, 6);
    private static final String CALCULATOR = "app.calculator";

    private NamespaceRing ring;

    @After
    public void tearDown() throws Exception {
        if (ring != null) {
            ring.close();
        }
    }

    @Test
    public void givenSixNodesWithTheCalculator_whenSplitThreeAndThreeThenHealed_thenOneCoordinatorPerEpochAndViewsWholeAgain()
            throws Exception {
        int splitSeconds = Integer.getInteger("resilience.splitSeconds", 20);
        int healSeconds = Integer.getInteger("resilience.healSeconds", 180);
        ring = NamespaceRing.create("rfpart", 221, 6, (i, n) -> { });
        ring.startAll();

        // the calculator ships with stateless HTTP (every member answers, on either side of a split, as
        // an app without state may); this test is about an app with state, whose coordinator alone answers,
        // so it deploys the calculator declared so (Ringfellow-App-Http: coordinator)
        Path jar = NamespaceRing.calculatorVariant(ring.calculatorJar(1), ring.node(1).home().resolve("calc-coordinator.jar"),
                Map.of("Ringfellow-App-Http", "coordinator"), 0);
        String deployed = ring.node(1).console("app:deploy " + jar);
        assertTrue(deployed + "\n" + ring.node(1).logTail(), deployed.contains("App calculator is running on 3 member(s)."));
        for (int i : ALL) {
            int node = i;
            assertTrue("node " + i + " answers 6*7 before the split",
                    NamespaceRing.Poll.until(120, () -> ring.eval(node, "6*7", 20).isResult("42")));
        }
        Map<Integer, Views> before = views();
        List<FellowshipRow> observed = Collections.synchronizedList(new ArrayList<>());
        before.values().forEach(v -> observed.addAll(v.fellowships()));

        // side A: the coordinator and the two nodes outside the fellowship; side B: the two other members and one more
        int coordinator = -1;
        List<Integer> members = new ArrayList<>();
        for (Views v : before.values()) {
            for (FellowshipRow r : v.fellowships()) {
                if (r.id().equals(CALCULATOR)) {
                    members.add(v.node());
                    if (r.selfCoordinator()) {
                        coordinator = v.node();
                    }
                }
            }
        }
        assertEquals("three members of " + CALCULATOR + ": " + before, 3, members.size());
        assertTrue("a coordinator of " + CALCULATOR + ": " + before, coordinator > 0);
        List<Integer> outside = new ArrayList<>(ALL);
        outside.removeAll(members);
        List<Integer> sideA = new ArrayList<>(List.of(coordinator, outside.get(0), outside.get(1)));
        List<Integer> sideB = new ArrayList<>(ALL);
        sideB.removeAll(sideA);
        Collections.sort(sideA);
        StringBuilder report = new StringBuilder();
        report.append("split ").append(splitSeconds).append(" s, sides ").append(sideA).append(" | ").append(sideB)
                .append(" (coordinator node ").append(coordinator).append(" with the two non-members)\nbefore: ")
                .append(members(before)).append('\n');

        ring.partition(sideA, sideB);
        long splitAt = System.nanoTime();
        Map<Integer, Map<String, Integer>> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(ALL.size() + 1);
        AtomicBoolean splitOver = new AtomicBoolean();
        AtomicBoolean healed = new AtomicBoolean();
        AtomicBoolean healStarted = new AtomicBoolean();
        AtomicLong steppedDownAt = new AtomicLong();
        Map<Integer, Integer> servedAfterStepDown = new ConcurrentHashMap<>();
        int oldCoordinator = coordinator;
        try {
            // the split: one loop asks each node's ingress (each answer waited up to 40 s: the ingress's own
            // timeout for an unreachable coordinator is 31 s), one reads every node's views
            List<Future<?>> loops = new ArrayList<>();
            for (int i : ALL) {
                loops.add(pool.submit(() -> {
                    while (!splitOver.get()) {
                        long t0 = System.nanoTime();
                        boolean afterStepDown = steppedDownAt.get() != 0 && !healStarted.get();
                        Answer a = ring.eval(i, "6*7", 40);
                        if (afterStepDown && !healStarted.get() && sideA.contains(i) && a.isResult("42")) {
                            servedAfterStepDown.merge(i, 1, Integer::sum);
                        }
                        String outcome = a.isResult("42") ? "42" : a.status() == -1 ? "no answer in 40 s"
                                : Integer.toString(a.status());
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        String key = outcome + (ms >= 1000 ? " (" + (ms / 1000) + " s)" : "");
                        answers.computeIfAbsent(i, k -> new ConcurrentHashMap<>()).merge(key, 1, Integer::sum);
                        Thread.sleep(500);
                    }
                    return null;
                }));
            }
            Future<?> sampler = pool.submit(() -> {
                while (!healed.get()) {
                    Map<Integer, Views> now = views();
                    now.values().forEach(v -> observed.addAll(v.fellowships()));
                    boolean acting = now.get(oldCoordinator).fellowships().stream()
                            .anyMatch(r -> r.id().equals(CALCULATOR) && r.selfCoordinator());
                    if (!acting) {
                        steppedDownAt.compareAndSet(0, System.nanoTime());
                    }
                }
                return null;
            });
            while (System.nanoTime() - splitAt < splitSeconds * 1_000_000_000L) {
                Thread.sleep(200);
            }
            healed.set(true);
            sampler.get(3, TimeUnit.MINUTES);
            Map<Integer, Views> split = views();
            split.values().forEach(v -> observed.addAll(v.fellowships()));
            report.append("end of split: ").append(members(split)).append('\n');

            // the heal: read every view until each is whole (the ingress loops keep going meanwhile)
            healStarted.set(true);
            ring.heal(sideA, sideB);
            long healAt = System.nanoTime();
            long wholeAt = -1;
            long deadline = healAt + healSeconds * 1_000_000_000L;
            String lastProblem = "";
            int reads = 0;
            while (System.nanoTime() < deadline) {
                reads++;
                Map<Integer, Views> now = views();
                long readAt = System.nanoTime();
                now.values().forEach(v -> observed.addAll(v.fellowships()));
                lastProblem = wholeProblem(now);
                if (lastProblem.isEmpty()) {
                    wholeAt = readAt;
                    break;
                }
            }
            splitOver.set(true);
            for (Future<?> f : loops) {
                f.get(2, TimeUnit.MINUTES);
            }
            report.append("answers to 6*7 through each node's ingress from the split to the views whole again "
                    + "(node: outcome (time if >= 1 s) = count): ").append(new TreeMap<>(answers)).append('\n');
            report.append("answers 6*7 = 42 through side A's ingresses sent after node ").append(oldCoordinator)
                    .append(" no longer acted as coordinator and before the heal (the stepped-down coordinator's part "
                    + "still serving; docs/reliability.md, defects found): ")
                    .append(steppedDownAt.get() == 0 ? "(it did not step down while sampled)"
                            : new TreeMap<>(servedAfterStepDown).toString()).append('\n');
            assertTrue("the views are whole again within " + healSeconds + " s of the heal: " + lastProblem,
                    wholeAt > 0);
            double wholeSeconds = (wholeAt - healAt) / 1e9;
            Map<Integer, Views> after = views();
            report.append(String.format(Locale.ROOT, "views whole %.1f s after the heal, at read %d of every node's "
                    + "views (every Ring view 6 alive, rosters agreed and full, no stale member)%n",
                    wholeSeconds, reads));
            report.append("after: ").append(members(after)).append('\n');

            // never two acting coordinators of one fellowship in one epoch
            Map<String, Set<Integer>> coordinators = new TreeMap<>();
            synchronized (observed) {
                for (FellowshipRow r : observed) {
                    if (r.selfCoordinator()) {
                        coordinators.computeIfAbsent(r.id() + " epoch " + r.epoch(), k -> new TreeSet<>()).add(r.node());
                    }
                }
                report.append("rows of fellowship:list read: ").append(observed.size())
                        .append("; nodes acting as coordinator, by fellowship and epoch: ").append(coordinators)
                        .append('\n');
            }
            for (Map.Entry<String, Set<Integer>> e : coordinators.entrySet()) {
                assertEquals("at most one coordinator in " + e.getKey() + ": " + coordinators, 1, e.getValue().size());
            }

            // what the app answers once healed, and what runs
            for (int i : ALL) {
                int node = i;
                assertTrue("node " + i + " answers 6*7 after the heal: " + ring.eval(node, "6*7", 20),
                        NamespaceRing.Poll.until(120, () -> ring.eval(node, "6*7", 20).isResult("42")));
            }
            int size = after.values().stream().flatMap(v -> v.fellowships().stream())
                    .filter(r -> r.id().equals(CALCULATOR)).findFirst().map(FellowshipRow::members).orElse(-1);
            assertTrue("one calculator container per member (" + size + ") across the ring: " + containers(),
                    NamespaceRing.Poll.until(120, () -> containerCount() == size));
            report.append("calculator containers after the heal: ").append(containers()).append('\n');
            // AppEngine.forward served HTTP on the node its roster names coordinator whether or not it
            // still acted as one, so the cut-off side kept answering (docs/reliability.md, defect 2): now a 503
            assertEquals("no answer from side A after its coordinator stepped down", Map.of(),
                    new TreeMap<>(servedAfterStepDown));
            if (Boolean.getBoolean("resilience.knownDefects")) {
                // that the check above saw a step-down at all: certain in the full form, not in a short split
                assertTrue("the coordinator stepped down during the split", steppedDownAt.get() != 0);
            }
            if (Boolean.getBoolean("resilience.full")) {
                assertTrue("full form: views whole within 30 s of the heal, took " + wholeSeconds, wholeSeconds <= 30);
            }
        } finally {
            splitOver.set(true);
            pool.shutdownNow();
            System.out.println(report);
            Path out = Path.of("target/resilience/partition-heal.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
        }
    }

    /** Every node's views, three nodes at a time. */
    private Map<Integer, Views> views() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Map<Integer, Future<Views>> read = new TreeMap<>();
            for (int i : ALL) {
                read.put(i, pool.submit(() -> ring.views(i)));
            }
            Map<Integer, Views> out = new TreeMap<>();
            for (Map.Entry<Integer, Future<Views>> e : read.entrySet()) {
                out.put(e.getKey(), e.getValue().get(3, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Empty if every view is whole; else what is not. */
    private String wholeProblem(Map<Integer, Views> views) {
        for (Views v : views.values()) {
            if (v.alive() != ring.size()) {
                return "node " + v.node() + " sees " + v.alive() + " alive";
            }
        }
        Map<String, List<FellowshipRow>> byId = new TreeMap<>();
        views.values().forEach(v -> v.fellowships().forEach(r -> byId.computeIfAbsent(r.id(), k -> new ArrayList<>())
                .add(r)));
        for (Map.Entry<String, List<FellowshipRow>> e : byId.entrySet()) {
            List<FellowshipRow> rows = e.getValue();
            FellowshipRow first = rows.get(0);
            for (FellowshipRow r : rows) {
                if (r.epoch() != first.epoch() || r.version() != first.version()
                        || !r.coordinator().equals(first.coordinator())) {
                    return e.getKey() + ": members disagree: " + rows;
                }
            }
            if (first.members() != first.target()) {
                return e.getKey() + ": roster not full: " + rows;
            }
            if (rows.size() != first.members()) {
                return e.getKey() + ": " + rows.size() + " nodes list it, the roster has " + first.members() + ": " + rows;
            }
            if (rows.stream().filter(FellowshipRow::selfCoordinator).count() != 1) {
                return e.getKey() + ": not exactly one acting coordinator: " + rows;
            }
        }
        return "";
    }

    private static String members(Map<Integer, Views> views) {
        Map<String, List<String>> byId = new TreeMap<>();
        views.forEach((node, v) -> v.fellowships().forEach(r -> byId.computeIfAbsent(r.id(), k -> new ArrayList<>())
                .add("node" + node + "(e" + r.epoch() + " v" + r.version() + " " + r.members() + "/" + r.target()
                        + (r.selfCoordinator() ? " coord" : "") + ")")));
        Map<Integer, Integer> alive = new TreeMap<>();
        views.forEach((node, v) -> alive.put(node, v.alive()));
        return byId + ", alive seen by each node " + alive;
    }

    private Map<Integer, List<String>> containers() throws Exception {
        Map<Integer, List<String>> out = new TreeMap<>();
        for (int i : ALL) {
            out.put(i, ring.runcContainers(i));
        }
        return out;
    }

    private int containerCount() throws Exception {
        return containers().values().stream().mapToInt(List::size).sum();
    }
}
