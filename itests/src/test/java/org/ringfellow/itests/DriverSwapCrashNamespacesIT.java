package org.ringfellow.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Test;
import org.ringfellow.itests.NamespaceRing.FellowshipRow;

/**
 * Issue 17, point 4 (the driver swap): three real nodes in namespaces, with the runc and the
 * LXC drivers, the calculator deployed (three members, each part a runc container). On one
 * member the operator moves the calculator's container to LXC ({@code driver:migrate <id> lxc}:
 * the manager stops and destroys it on runc, forgets its record, and starts it from the same
 * spec on LXC), and the node is killed with SIGKILL in the middle, then restarted. Two points of
 * the swap, one test each: {@code stopped} (as soon as the runc container's init process is
 * gone: stopped on runc, not yet started on LXC) and {@code starting} (as soon as the LXC
 * driver has made the container's directory in its lxcpath: the start on LXC under way, which
 * the restarted node must undo: the LXC driver removes the directory it never finished, the
 * manager destroys and forgets the record left "starting" instead of adopting it).
 *
 * <p>Then, on every node: the containers in both engines (the runc root's {@code runc list},
 * the LXC driver's lxcpath, and any {@code lxc-execute} process still running for it) are
 * exactly one per app fellowship the node is in, and the manager's {@code container:list}
 * lists as many (no orphan in either engine); no reservation for a fellowship the node is not
 * in (no stale reservation); and the calculator either runs on a full roster and answers
 * through every ingress, or is cleanly absent. What happened goes to stdout and
 * {@code target/resilience/crash-mid-driver-swap-<point>.txt}.
 */
public class DriverSwapCrashNamespacesIT {

    private static final List<Integer> ALL = List.of(1, 2, 3);
    private static final String CALCULATOR = "app.calculator";

    private NamespaceRing ring;
    private final StringBuilder report = new StringBuilder();

    @After
    public void tearDown() throws Exception {
        if (ring != null) {
            for (KarafNode n : ring.nodes()) {
                try {
                    n.close();
                    removeLxcLeftovers(n.home());
                } catch (Exception e) {
                    System.err.println("cleaning up LXC containers of " + n.home() + ": " + e);
                }
            }
            ring.close();
        }
    }

    @Test
    public void givenTheCalculatorOnRunc_whenItsNodeIsKilledOnceItStoppedOnRuncMidSwapToLxc_thenNoOrphanInEitherEngineNoStaleReservationAndTheAppRunsOrIsAbsent()
            throws Exception {
        try {
            startWithTheCalculator();
            swapAndKill(2, "stopped");
        } finally {
            write("crash-mid-driver-swap-stopped.txt");
        }
    }

    /**
     * Defect 5 of docs/reliability.md, fixed: a node killed while its container started on LXC
     * kept, after its restart, the half-started LXC container (adopted as an exited container
     * under the name its new part needs, or a directory without config that took the name for
     * good).
     */
    @Test
    public void givenTheCalculatorOnRunc_whenItsNodeIsKilledWhileItStartsOnLxcMidSwap_thenNoOrphanInEitherEngineNoStaleReservationAndTheAppRunsOrIsAbsent()
            throws Exception {
        try {
            startWithTheCalculator();
            swapAndKill(3, "starting");
        } finally {
            write("crash-mid-driver-swap-starting.txt");
        }
    }

    /** Three nodes with runc and LXC (LXC healthy, required where the engines are), the calculator on all three. */
    private void startWithTheCalculator() throws Exception {
        ring = NamespaceRing.create("r9swap", 242, 3, (i, n) -> { });
        ring.startAll();
        for (int i : ALL) {
            String out = ring.node(i).console("feature:install ringfellow-driver-lxc");
            assertTrue("node " + i + ": " + out, !out.toLowerCase(Locale.ROOT).contains("error"));
        }
        for (int i : ALL) {
            int node = i;
            String[] drivers = {""};
            boolean healthy = NamespaceRing.Poll.until(60, () -> {
                drivers[0] = ring.node(node).console("driver:list");
                return drivers[0].lines().anyMatch(l -> l.contains(" lxc ") && l.contains(" HEALTHY "));
            });
            if (!Boolean.getBoolean("ringfellow.engines.required")) {
                assumeTrue("LXC is not usable here: " + drivers[0], healthy);
            }
            assertTrue("node " + i + ": the LXC driver is healthy: " + drivers[0], healthy);
        }
        String deployed = ring.node(1).console("app:deploy " + ring.calculatorJar(1));
        assertTrue(deployed + "\n" + ring.node(1).logTail(),
                deployed.contains("App calculator is running on 3 member(s)."));
        for (int i : ALL) {
            int node = i;
            assertTrue("node " + i + " answers 6*7 before the swap",
                    NamespaceRing.Poll.until(120, () -> ring.eval(node, "6*7", 20).isResult("42")));
        }
        report.append("before: ").append(roster()).append('\n');
    }

    private void write(String name) throws IOException {
        System.out.println(report);
        Path out = Path.of("target/resilience", name);
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    /**
     * Runs {@code driver:migrate} of node {@code victim}'s calculator container to LXC in the
     * background, kills the node at {@code point}, restarts it and checks every node.
     */
    private void swapAndKill(int victim, String point) throws Exception {
        KarafNode node = ring.node(victim);
        String id = calculatorContainer(victim);
        Path runcState = node.home().resolve("data/ringfellow/drivers/runc/root").resolve(id).resolve("state.json");
        long initPid = initPid(runcState);
        assertTrue("node " + victim + ": the runc state of " + id + " names its init process: " + runcState,
                initPid > 0);
        Path lxcDir = lxcpath(node.home()).resolve(id);
        CompletableFuture<String> migrate = CompletableFuture.supplyAsync(() -> {
            try {
                return node.console("driver:migrate " + id + " lxc");
            } catch (Exception e) {
                return e.toString();
            }
        });
        long t0 = System.nanoTime();
        long deadline = t0 + 120_000_000_000L;
        boolean killed = false;
        while (System.nanoTime() < deadline && !migrate.isDone()) {
            boolean at = point.equals("stopped") ? ProcessHandle.of(initPid).map(p -> !p.isAlive()).orElse(true)
                    : Files.isDirectory(lxcDir);
            if (at) {
                node.kill9();
                killed = true;
                break;
            }
            Thread.sleep(2);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        String printed = migrate.isDone() ? migrate.get().trim() : "(cut by the kill)";
        assertTrue("node " + victim + " was killed at '" + point + "' of driver:migrate " + id
                + " lxc before the migrate ended; it printed: " + printed, killed);
        report.append(String.format(Locale.ROOT, "node %d killed at '%s' of driver:migrate %s lxc, %.0f ms after the "
                + "command was sent; at the kill: runc container %s, LXC directory %s, lxc-execute %s%n", victim,
                point, id, ms, ring.runcContainers(victim).contains(id) ? "listed" : "gone",
                Files.isDirectory(lxcDir) ? "present" : "absent", lxcProcesses(node.home()).isEmpty() ? "not running"
                        : "running"));
        report.append("  after the kill, before the restart: runc ").append(ring.runcContainers(victim))
                .append(", lxc ").append(lxcContainers(node.home())).append('\n');
        try {
            migrate.get(90, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // the console's client waits on a dead node; it ends with it
        }

        long restartAt = System.nanoTime();
        ring.startAndInstall(victim);
        String outcome = settle();
        report.append(String.format(Locale.ROOT, "  after the restart: %s (%.0f s after the restart began)%n", outcome,
                (System.nanoTime() - restartAt) / 1e9));
        noOrphanNoStaleReservation();
    }

    /** The id of the calculator's container on node {@code i}, from {@code container:list}. */
    private String calculatorContainer(int i) throws Exception {
        String out = ring.node(i).console("container:list");
        for (String line : out.split("\\R")) {
            String first = line.trim().split("[\\s|]+")[0];
            if (first.startsWith("app-calculator") && line.contains("runc") && line.contains("running")) {
                return first;
            }
        }
        throw new AssertionError("node " + i + " runs no calculator container on runc:\n" + out);
    }

    private static long initPid(Path state) throws IOException {
        if (!Files.exists(state)) {
            return -1;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"init_process_pid\"\\s*:\\s*(\\d+)")
                .matcher(Files.readString(state));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static Path lxcpath(Path home) {
        return home.resolve("data/ringfellow/drivers/lxc/containers");
    }

    /** The container directories in the LXC driver's lxcpath (each is a container the engine knows). */
    private static List<String> lxcContainers(Path home) throws IOException {
        List<String> ids = new ArrayList<>();
        Path dir = lxcpath(home);
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
        }
        return ids;
    }

    /** The LXC container directories with the files in each (a container LXC knows has a {@code config}). */
    private static String lxcDetail(Path home) throws IOException {
        List<String> out = new ArrayList<>();
        for (String id : lxcContainers(home)) {
            try (Stream<Path> s = Files.list(lxcpath(home).resolve(id))) {
                out.add(id + " " + s.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
        return out.toString();
    }

    /** The processes running an LXC command on the driver's lxcpath of this node (a live LXC container). */
    private static List<String> lxcProcesses(Path home) {
        String path = lxcpath(home).toString();
        List<String> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(cmd -> {
            if (cmd.contains("lxc-") && cmd.contains(path)) {
                out.add(p.pid() + " " + cmd);
            }
        }));
        return out;
    }

    /**
     * Waits until the calculator runs on a full roster and answers through every ingress, or is
     * cleanly absent (no node in its fellowship); fails if neither within four minutes.
     */
    private String settle() throws Exception {
        String[] seen = {""};
        long start = System.nanoTime();
        boolean settled = NamespaceRing.Poll.until(240, () -> {
            List<FellowshipRow> rows = rows();
            seen[0] = rows.toString();
            if (rows.isEmpty()) {
                return true;
            }
            FellowshipRow first = rows.get(0);
            if (first.members() != first.target() || rows.size() != first.members()
                    || rows.stream().anyMatch(r -> r.epoch() != first.epoch() || r.version() != first.version())) {
                return false;
            }
            for (int i : ALL) {
                if (!ring.eval(i, "6*7", 20).isResult("42")) {
                    seen[0] = rows + "; node " + i + " answers " + ring.eval(i, "6*7", 20);
                    return false;
                }
            }
            return true;
        });
        StringBuilder status = new StringBuilder();
        if (!settled) {
            for (int i : ALL) {
                status.append("node ").append(i).append(":\n").append(ring.node(i).console("app:status calculator",
                        "fellowship:list", "container:list")).append(ring.node(i).logTail()).append('\n');
            }
        }
        assertTrue("the calculator is neither running on a full roster and answering everywhere nor absent: "
                + seen[0] + "\n" + status, settled);
        double secs = (System.nanoTime() - start) / 1e9;
        return rows().isEmpty()
                ? String.format(Locale.ROOT, "absent: no node in %s (settled in %.0f s)", CALCULATOR, secs)
                : String.format(Locale.ROOT, "running: %s, every ingress answers 6*7 = 42 (settled in %.0f s)",
                        roster(), secs);
    }

    private List<FellowshipRow> rows() throws Exception {
        List<FellowshipRow> rows = new ArrayList<>();
        for (int i : ALL) {
            ring.fellowships(i).stream().filter(r -> r.id().equals(CALCULATOR)).forEach(rows::add);
        }
        return rows;
    }

    private String roster() throws Exception {
        StringBuilder s = new StringBuilder(CALCULATOR).append(" on");
        for (FellowshipRow r : rows()) {
            s.append(" node").append(r.node()).append("(e").append(r.epoch()).append(" v").append(r.version())
                    .append(' ').append(r.members()).append('/').append(r.target())
                    .append(r.selfCoordinator() ? " coord" : "").append(')');
        }
        return s.toString();
    }

    /**
     * On every node: containers in runc and LXC together = the app fellowships it is in = what
     * the manager lists; no LXC process without its container; reservations only for its fellowships.
     */
    private void noOrphanNoStaleReservation() throws Exception {
        for (int i : ALL) {
            int node = i;
            Path home = ring.node(i).home();
            String[] why = {""};
            boolean clean = NamespaceRing.Poll.until(120, () -> {
                Set<String> in = new TreeSet<>();
                ring.fellowships(node).forEach(r -> in.add(r.id()));
                long apps = in.stream().filter(f -> f.startsWith("app.")).count();
                List<String> runc = ring.runcContainers(node);
                List<String> lxc = lxcContainers(home);
                List<String> lxcProcs = lxcProcesses(home);
                String list = ring.node(node).console("container:list");
                long listed = list.lines().filter(l -> l.trim().startsWith("app-")).count();
                Set<String> reserved = CrashMidOperationNamespacesIT.reservations(
                        ring.node(node).console("fellowship:policy"));
                why[0] = "fellowships " + in + ", runc " + runc + ", lxc " + lxcDetail(home) + ", lxc processes "
                        + lxcProcs.size()
                        + ", container:list " + listed + " app container(s), reserved " + reserved;
                return runc.size() + lxc.size() == apps && listed == apps && (lxc.isEmpty() == lxcProcs.isEmpty())
                        && in.containsAll(reserved);
            });
            report.append("  node ").append(i).append(": ").append(why[0]).append('\n');
            assertTrue("node " + i + ": an orphan container (runc or LXC) or a stale reservation: " + why[0]
                    + "\n" + ring.node(i).console("container:list"), clean);
        }
    }

    /** Stops and removes the LXC containers a killed node left in its lxcpath. */
    private static void removeLxcLeftovers(Path home) throws Exception {
        Path path = lxcpath(home);
        for (String id : lxcContainers(home)) {
            if (!id.matches("[A-Za-z0-9_.-]{1,128}")) {
                continue;
            }
            Process p = new ProcessBuilder("lxc-stop", "-P", path.toString(), "-n", id, "-k")
                    .redirectErrorStream(true).start();
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
        }
        for (String proc : lxcProcesses(home)) {
            long pid = Long.parseLong(proc.substring(0, proc.indexOf(' ')));
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            h.ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
