package org.ringfellow.container.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.container.Capability;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ContainerStats;
import org.ringfellow.api.container.ContainerStatus;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.ExecResult;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.LogChunk;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.NetworkMode;
import org.ringfellow.api.container.ResourceLimits;

/**
 * The conformance suite every {@link ContainerDriver} must pass, run against the real engine.
 * Extend it in the driver's tests and provide a driver and an image store holding the
 * {@link ImageStore#BASE base} image; capability-specific tests run only for the capabilities
 * the driver claims. Every container a test starts is destroyed after it, by its handle.
 *
 * <p>The tests assert behaviour, never timing: waits are bounded by generous timeouts only so
 * that a broken driver fails instead of hanging.
 */
public abstract class ContainerDriverConformance {

    /** How long a test waits for something that should take well under a second. */
    protected static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<ContainerHandle> started = new ArrayList<>();
    /** The driver under test, a fresh instance for every test. */
    protected ContainerDriver driver;
    private String baseImage;

    /**
     * Makes a new instance of the driver under test. Every instance must share the engine state
     * of the others, as a new instance after a bundle update would: the recovery tests start a
     * container with one instance and recover it with another.
     *
     * @return a new driver instance
     * @throws Exception if the driver cannot be made
     */
    protected abstract ContainerDriver newDriver() throws Exception;

    /**
     * Returns the image store the driver takes its images from.
     *
     * @return the store; it must be able to provide the base image
     */
    protected abstract ImageStore imageStore();

    /**
     * Returns the id of the node the driver's containers belong to.
     *
     * @return the hex node id the driver labels its containers with
     */
    protected abstract String ownerNodeId();

    /**
     * Sets up a fresh driver and the base image.
     *
     * @throws Exception if the driver cannot be made
     */
    @BeforeEach
    protected void setUpDriver() throws Exception {
        driver = newDriver();
        baseImage = imageStore().base().digest();
    }

    /** Destroys every container the test started. */
    @AfterEach
    protected void destroyStarted() {
        for (ContainerHandle h : started) {
            try {
                driver.destroy(h);
            } catch (DriverException | RuntimeException e) {
                // keep cleaning the others; the test already reported what mattered
            }
        }
        started.clear();
    }

    /**
     * A spec on the base image with a unique name and the safe defaults.
     *
     * @param command the program and its arguments
     * @return a builder to adjust
     */
    protected ContainerSpec.Builder spec(String... command) {
        byte[] b = new byte[5];
        ThreadLocalRandom.current().nextBytes(b);
        return ContainerSpec.builder("tck-" + HexFormat.of().formatHex(b), baseImage, Arrays.asList(command));
    }

    /**
     * Starts a container and remembers it for cleaning up.
     *
     * @param spec what to run
     * @return its handle
     * @throws DriverException if the driver refuses
     */
    protected ContainerHandle start(ContainerSpec spec) throws DriverException {
        ContainerHandle h = driver.start(spec);
        started.add(h);
        return h;
    }

    private ExitStatus exitOf(ContainerHandle h) throws Exception {
        Optional<ExitStatus> exit = driver.waitFor(h, PATIENCE);
        assertTrue(exit.isPresent(), "container " + h.id() + " did not exit within " + PATIENCE);
        return exit.get();
    }

    private String output(ContainerHandle h) throws DriverException {
        StringBuilder sb = new StringBuilder();
        long offset = 0;
        while (true) {
            LogChunk c = driver.logs(h, offset, 64 * 1024);
            if (c.text().isEmpty()) {
                return sb.toString();
            }
            sb.append(c.text());
            offset = c.nextOffset();
        }
    }

    private String run(String... command) throws Exception {
        ContainerHandle h = start(spec(command).build());
        ExitStatus exit = exitOf(h);
        assertEquals(0, exit.exitCode(), "command failed: " + Arrays.toString(command) + ": " + output(h));
        return output(h);
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private boolean claims(Capability c) {
        return driver.capabilities().contains(c);
    }

    /**
     * Skips an isolation test the driver does not claim, and reports the isolation it lacks:
     * surefire shows no skip reason, so the kit prints it too.
     */
    private void assumeClaimed(Capability c, String lacking) {
        if (!claims(c)) {
            String why = "driver " + driver.type() + " does not claim " + c + ": " + lacking;
            report("ISOLATION NOT GIVEN: " + why);
            assumeTrue(false, why);
        }
    }

    private static void report(String what) {
        System.err.println("[ringfellow] " + what);
    }

    // ---- engine ----

    @Test
    @DisplayName("the fingerprint reports a healthy engine with a version")
    void fingerprintIsHealthy() {
        Fingerprint f = driver.fingerprint();
        assertEquals(Health.HEALTHY, f.health(), "reason: " + f.reason());
        assertFalse(f.version().isBlank(), "no engine version");
        assertTrue(f.reason().isEmpty());
    }

    // ---- lifecycle ----

    @Test
    @DisplayName("given a command that exits 3, waitFor reports code 3 and no OOM, and its output is in the logs")
    void exitCodeAndOutput() throws Exception {
        ContainerHandle h = start(spec("sh", "-c", "echo hello from the container; exit 3").build());
        ExitStatus exit = exitOf(h);
        assertEquals(3, exit.exitCode());
        assertFalse(exit.oomKilled());
        assertEquals(ContainerState.EXITED, driver.inspect(h).state());
        assertEquals(Optional.of(exit.exitCode()), driver.inspect(h).exit().map(ExitStatus::exitCode));
        assertTrue(output(h).contains("hello from the container"), output(h));
    }

    @Test
    @DisplayName("a started container runs with a pid until stopped, then it has exited")
    void runningThenStopped() throws Exception {
        ContainerHandle h = start(spec("sleep", "1000").build());
        ContainerStatus s = driver.inspect(h);
        assertEquals(ContainerState.RUNNING, s.state());
        assertTrue(s.pid() > 0, "no pid for a running container");
        assertTrue(driver.waitFor(h, Duration.ofMillis(200)).isEmpty(), "a sleeping container must not have exited");
        driver.stop(h, Duration.ofSeconds(10));
        assertEquals(ContainerState.EXITED, driver.inspect(h).state());
        assertTrue(driver.waitFor(h, Duration.ZERO).isPresent());
        driver.stop(h, Duration.ofSeconds(1));
    }

    @Test
    @DisplayName("a workload that ignores SIGTERM is killed once the grace period is over")
    void stopKillsAfterGrace() throws Exception {
        ContainerHandle h = start(spec("sh", "-c", "trap '' TERM; while true; do sleep 1; done").build());
        driver.stop(h, Duration.ofMillis(500));
        assertEquals(ContainerState.EXITED, driver.inspect(h).state());
    }

    @Test
    @DisplayName("destroy removes the container: gone, not listed, and a second destroy does nothing")
    void destroyRemovesEverything() throws Exception {
        ContainerHandle h = start(spec("sleep", "1000").build());
        assertTrue(driver.listOwned(ownerNodeId()).contains(h.id()));
        driver.destroy(h);
        assertEquals(ContainerState.GONE, driver.inspect(h).state());
        assertFalse(driver.listOwned(ownerNodeId()).contains(h.id()));
        driver.destroy(h);
    }

    @Test
    @DisplayName("logs read from an offset return the rest and the next offset")
    void logsByOffset() throws Exception {
        ContainerHandle h = start(spec("sh", "-c", "echo first; echo second").build());
        exitOf(h);
        LogChunk a = driver.logs(h, 0, 6);
        assertEquals("first\n", a.text());
        assertEquals(6, a.nextOffset());
        LogChunk b = driver.logs(h, a.nextOffset(), 1024);
        assertEquals("second\n", b.text());
        LogChunk end = driver.logs(h, b.nextOffset(), 1024);
        assertEquals("", end.text());
        assertEquals(b.nextOffset(), end.nextOffset());
    }

    @Test
    @DisplayName("the environment and working directory of the spec reach the process")
    void envAndWorkingDir() throws Exception {
        ContainerHandle h = start(spec("sh", "-c", "echo $GREETING; pwd").env("GREETING", "hi-tck")
                .workingDir("/tmp").build());
        assertEquals(0, exitOf(h).exitCode());
        assertEquals("hi-tck\n/tmp\n", output(h));
    }

    // ---- exec, stats ----

    @Test
    @DisplayName("exec runs a command in a running container and returns its code and output")
    void execInRunningContainer() throws Exception {
        assumeTrue(claims(Capability.EXEC), "driver does not claim EXEC");
        ContainerHandle h = start(spec("sleep", "1000").build());
        ExecResult ok = driver.exec(h, List.of("echo", "inside"), PATIENCE);
        assertEquals(0, ok.exitCode());
        assertEquals("inside\n", ok.stdout());
        ExecResult fail = driver.exec(h, List.of("sh", "-c", "echo oops >&2; exit 7"), PATIENCE);
        assertEquals(7, fail.exitCode());
        assertEquals("oops\n", fail.stderr());
    }

    @Test
    @DisplayName("exec past its timeout is killed and reports -1, and the container keeps running")
    void execTimeout() throws Exception {
        assumeTrue(claims(Capability.EXEC), "driver does not claim EXEC");
        ContainerHandle h = start(spec("sleep", "1000").build());
        ExecResult r = driver.exec(h, List.of("sleep", "1000"), Duration.ofSeconds(1));
        assertEquals(-1, r.exitCode());
        assertEquals(ContainerState.RUNNING, driver.inspect(h).state());
        assertEquals(0, driver.exec(h, List.of("true"), PATIENCE).exitCode());
    }

    @Test
    @DisplayName("stats report the memory limit of the spec and at least one process")
    void statsFromCgroups() throws Exception {
        assumeTrue(claims(Capability.STATS), "driver does not claim STATS");
        ContainerHandle h = start(spec("sleep", "1000").limits(new ResourceLimits(200, 32L << 20, 10)).build());
        ContainerStats s = driver.stats(h);
        assertEquals(32L << 20, s.memoryLimitBytes());
        assertTrue(s.pids() >= 1 && s.pids() <= 10, "pids " + s.pids());
        assertTrue(s.memoryBytes() > 0);
        assertTrue(s.cpuNanos() >= 0);
    }

    // ---- limits ----

    @Test
    @DisplayName("a memory hog is killed by the kernel and its exit says OOM")
    void memoryHogIsOomKilled() throws Exception {
        assumeTrue(claims(Capability.MEMORY_LIMIT) && claims(Capability.OOM_DETECTION), "no memory limit/OOM claim");
        // dd's buffer is one block: 256 MiB touched at once, far above the 16 MiB limit
        ContainerHandle h = start(spec("dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1")
                .limits(new ResourceLimits(500, 16L << 20, 16)).build());
        ExitStatus exit = exitOf(h);
        assertTrue(exit.oomKilled(), "not reported as OOM: " + exit + " output: " + output(h));
        assertNotEquals(0, exit.exitCode());
    }

    @Test
    @DisplayName("a container within its memory limit is not reported as OOM")
    void noFalseOom() throws Exception {
        assumeTrue(claims(Capability.OOM_DETECTION), "no OOM claim");
        ContainerHandle h = start(spec("dd", "if=/dev/zero", "of=/dev/null", "bs=1M", "count=4")
                .limits(new ResourceLimits(500, 32L << 20, 16)).build());
        ExitStatus exit = exitOf(h);
        assertEquals(0, exit.exitCode());
        assertFalse(exit.oomKilled());
    }

    @Test
    @DisplayName("a fork bomb stops at the pids limit and the node still starts and runs other containers")
    void forkBombStopsAtPidsLimit() throws Exception {
        assumeTrue(claims(Capability.PIDS_LIMIT), "driver does not claim PIDS_LIMIT");
        int limit = 24;
        // the forking shell dies at the limit ("can't fork"), so PID 1's child is a plain sleep that
        // keeps the container, and the sleeps the bomb left, alive
        ContainerHandle bomb = start(spec("sh", "-c", "sh -c 'while true; do sleep 1000 & done' & exec sleep 1000")
                .limits(new ResourceLimits(250, 64L << 20, limit)).build());
        if (claims(Capability.STATS)) {
            eventually("the bomb reaches its pids limit", () -> {
                try {
                    return driver.stats(bomb).pids() >= limit - 1;
                } catch (DriverException e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(driver.stats(bomb).pids() <= limit, "pids over the limit: " + driver.stats(bomb).pids());
        }
        assertTrue(run("echo", "still responsive").contains("still responsive"));
        driver.stop(bomb, Duration.ofSeconds(1));
        assertEquals(ContainerState.EXITED, driver.inspect(bomb).state());
    }

    @Test
    @DisplayName("the CPU quota of the spec is applied")
    void cpuLimitApplied() throws Exception {
        assumeTrue(claims(Capability.CPU_LIMIT) && claims(Capability.STATS), "no CPU limit/stats claim");
        ContainerHandle h = start(spec("sh", "-c", "while true; do :; done")
                .limits(new ResourceLimits(100, 32L << 20, 8)).build());
        long before = driver.stats(h).cpuNanos();
        long wallStart = System.nanoTime();
        Thread.sleep(1500);
        long used = driver.stats(h).cpuNanos() - before;
        long wall = System.nanoTime() - wallStart;
        // a tenth of a core, with a wide margin for scheduling: never more than half a core
        assertTrue(used < wall / 2, "used " + used / 1_000_000 + " ms CPU in " + wall / 1_000_000 + " ms");
    }

    // ---- isolation ----

    @Test
    @DisplayName("by default the container has no network interface but lo")
    void noNetworkButLoopback() throws Exception {
        String out = run("sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
        assertEquals("lo", out.trim(), "interfaces: " + out);
    }

    @Test
    @DisplayName("the root file system is read-only by default, while a tmpfs mount is writable")
    void readOnlyRoot() throws Exception {
        assumeClaimed(Capability.READ_ONLY_ROOT, "its containers' root file system is writable");
        ContainerHandle h = start(spec("sh", "-c", "touch /bin/evil 2>&1; touch /evil 2>&1; echo ok > /tmp/x && cat /tmp/x")
                .mount(Mount.tmpfs("/tmp", 1L << 20)).build());
        assertEquals(0, exitOf(h).exitCode());
        String out = output(h);
        assertTrue(out.contains("Read-only file system"), out);
        assertTrue(out.trim().endsWith("ok"), out);
    }

    @Test
    @DisplayName("with a writable root, what a container writes stays its own and never reaches the image")
    void writableRootIsPrivate() throws Exception {
        ContainerHandle h = start(spec("sh", "-c", "echo mine > /tmp/written && cat /tmp/written")
                .readOnlyRoot(false).build());
        assertEquals(0, exitOf(h).exitCode(), output(h));
        assertEquals("mine\n", output(h));
        run("sh", "-c", "test ! -e /tmp/written");
    }

    @Test
    @DisplayName("the container cannot see host processes")
    void cannotSeeHostProcesses() throws Exception {
        String out = run("sh", "-c", "ls /proc | grep -c '^[0-9][0-9]*$'");
        int count = Integer.parseInt(out.trim());
        assertTrue(count < 10, "sees " + count + " processes");
    }

    @Test
    @DisplayName("the process has no capabilities and no new privileges")
    void noCapabilitiesNoNewPrivileges() throws Exception {
        String out = run("sh", "-c", "grep -E '^(CapEff|CapPrm|CapInh|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status");
        for (String set : List.of("CapEff", "CapPrm", "CapInh", "CapBnd")) {
            assertTrue(out.matches("(?s).*" + set + ":\\s+0+\\n.*"), set + " not empty: " + out);
        }
        assertTrue(!out.contains("CapAmb") || out.matches("(?s).*CapAmb:\\s+0+\\n.*"), out);
        assertTrue(out.matches("(?s).*NoNewPrivs:\\s+1.*"), out);
    }

    /**
     * A nested user namespace holds every capability over what it creates; what it must never
     * gain is a capability over the container's own namespaces (or anything outside them). The
     * kit accepts either that no user namespace can be made, or that one made gains nothing: it
     * can neither set the container's host name nor mount in the container's mount namespace.
     */
    @Test
    @DisplayName("a nested user namespace cannot be made, or gains no capability over anything outside it")
    void noNestedUserNamespace() throws Exception {
        String out = run("sh", "-c", "if unshare -U -r true 2>/dev/null; then echo made; "
                + "unshare -U -r sh -c 'grep CapEff /proc/self/status; hostname tck-nested 2>/dev/null && echo hostname-changed; "
                + "mount -t tmpfs none /tmp 2>/dev/null && echo mounted; :'; else echo refused; fi; hostname");
        if (out.startsWith("refused")) {
            assertFalse(out.contains("tck-nested"), out);
            return;
        }
        report("a nested user namespace can be made in a container of driver " + driver.type() + " ("
                + out.lines().filter(l -> l.startsWith("CapEff")).findFirst().orElse("").trim()
                + " in it); the kit checks it gains nothing outside");
        assertFalse(out.contains("hostname-changed"), "the nested namespace set the container's host name: " + out);
        assertFalse(out.contains("mounted"), "the nested namespace mounted in the container's mount namespace: " + out);
        assertFalse(out.lines().reduce((a, b) -> b).orElse("").contains("tck-nested"), out);
    }

    @Test
    @DisplayName("with SECCOMP, a seccomp filter is in force and no namespace can be made")
    void seccompInForce() throws Exception {
        assumeClaimed(Capability.SECCOMP, "its containers run without a seccomp filter");
        String out = run("sh", "-c", "grep '^Seccomp:' /proc/self/status; unshare -U true 2>/dev/null; echo user=$?; "
                + "unshare -n true 2>/dev/null; echo net=$?; unshare -m true 2>/dev/null; echo mount=$?; "
                + "(true) && echo fork=$?");
        assertTrue(out.matches("(?s)Seccomp:\\s+2\\n.*"), "no seccomp filter (mode 2) in force: " + out);
        assertTrue(out.contains("user=1") && out.contains("net=1") && out.contains("mount=1"),
                "a namespace could be made: " + out);
        assertTrue(out.contains("fork=0"), "a plain fork failed: " + out);
    }

    /**
     * The host uid a container's effective uid maps to: through its user namespace's uid map,
     * or itself where the container has none (the map is then the identity).
     */
    @Test
    @DisplayName("with USER_NAMESPACE, the workload's uid is not the host's root")
    void workloadIsNotHostRoot() throws Exception {
        assumeClaimed(Capability.USER_NAMESPACE, "its workload may run as the host's root");
        String out = run("sh", "-c", "grep '^Uid:' /proc/self/status; cat /proc/self/uid_map");
        List<String> lines = out.lines().toList();
        long euid = Long.parseLong(lines.get(0).trim().split("\\s+")[2]);
        Long host = null;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            long inside = Long.parseLong(f[0]);
            long outside = Long.parseLong(f[1]);
            long count = Long.parseLong(f[2]);
            if (euid >= inside && euid < inside + count) {
                host = outside + (euid - inside);
            }
        }
        assertTrue(host != null, "uid " + euid + " is not mapped: " + out);
        assertNotEquals(0L, host.longValue(), "the workload runs as the host's root: " + out);
    }

    // ---- bad specs ----

    @Test
    @DisplayName("an image not in the store is refused as an invalid spec and leaves nothing behind")
    void unknownImage() throws Exception {
        ContainerSpec s = spec("true").image("sha256:" + "0".repeat(64)).build();
        DriverException e = assertThrows(DriverException.class, () -> start(s));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind());
        assertFalse(e.getMessage().isBlank());
        assertFalse(driver.listOwned(ownerNodeId()).contains(s.name()));
    }

    @Test
    @DisplayName("a command missing from the image is refused and leaves nothing behind")
    void missingCommand() throws Exception {
        ContainerSpec s = spec("/no/such/program").build();
        try {
            ContainerHandle h = start(s);
            // an engine may only learn it at exec time: then the container must fail, not run
            assertNotEquals(0, exitOf(h).exitCode());
            driver.destroy(h);
        } catch (DriverException e) {
            assertFalse(e.getMessage().isBlank());
        }
        assertFalse(driver.listOwned(ownerNodeId()).contains(s.name()));
    }

    @Test
    @DisplayName("a bind mount of a missing host path is refused and leaves nothing behind")
    void missingBindSource() throws Exception {
        ContainerSpec s = spec("true").mount(Mount.bindReadOnly("/no/such/host/path", "/mnt")).build();
        DriverException e = assertThrows(DriverException.class, () -> start(s));
        assertFalse(e.getMessage().isBlank());
        assertFalse(driver.listOwned(ownerNodeId()).contains(s.name()));
    }

    @Test
    @DisplayName("a network the driver cannot give is refused")
    void unsupportedNetwork() throws Exception {
        assumeTrue(!claims(Capability.NETWORK), "driver claims NETWORK");
        ContainerSpec s = spec("true").network(NetworkMode.PRIVATE).build();
        DriverException e = assertThrows(DriverException.class, () -> start(s));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind());
        assertFalse(driver.listOwned(ownerNodeId()).contains(s.name()));
    }

    @Test
    @DisplayName("a second container with a running container's name is refused (INVALID_SPEC) and the first keeps running")
    void duplicateName() throws Exception {
        ContainerSpec s = spec("sleep", "1000").build();
        ContainerHandle h = start(s);
        DriverException e = assertThrows(DriverException.class, () -> driver.start(s));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind(), "a duplicate name is the caller's mistake");
        assertEquals(ContainerState.RUNNING, driver.inspect(h).state());
    }

    // ---- recovery ----

    @Test
    @DisplayName("a new driver instance recovers a running container: same process, and it can stop it")
    void recoverByNewInstance() throws Exception {
        assumeTrue(claims(Capability.RECOVER), "driver does not claim RECOVER");
        ContainerHandle h = start(spec("sleep", "1000").build());
        long pid = driver.inspect(h).pid();
        ContainerDriver other = newDriver();
        assertTrue(other.listOwned(ownerNodeId()).contains(h.id()));
        ContainerHandle again = other.recover(h);
        assertEquals(h.id(), again.id());
        ContainerStatus s = other.inspect(again);
        assertEquals(ContainerState.RUNNING, s.state());
        assertEquals(pid, s.pid());
        other.stop(again, Duration.ofSeconds(5));
        assertEquals(ContainerState.EXITED, other.inspect(again).state());
    }

    @Test
    @DisplayName("an exit that happened while no driver watched is still reported by a new instance")
    void exitSeenAfterRecovery() throws Exception {
        assumeTrue(claims(Capability.RECOVER), "driver does not claim RECOVER");
        ContainerHandle h = start(spec("sh", "-c", "exit 5").build());
        ContainerDriver other = newDriver();
        ContainerHandle again = other.recover(h);
        Optional<ExitStatus> exit = other.waitFor(again, PATIENCE);
        assertTrue(exit.isPresent());
        assertEquals(5, exit.get().exitCode());
    }

    @Test
    @DisplayName("recovering a container that is gone says NOT_FOUND")
    void recoverGone() throws Exception {
        assumeTrue(claims(Capability.RECOVER), "driver does not claim RECOVER");
        ContainerHandle h = start(spec("true").build());
        exitOf(h);
        driver.destroy(h);
        DriverException e = assertThrows(DriverException.class, () -> newDriver().recover(h));
        assertEquals(DriverException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    @DisplayName("listOwned lists only the given node's containers")
    void listOwnedByNode() throws Exception {
        ContainerHandle h = start(spec("sleep", "1000").build());
        assertTrue(driver.listOwned(ownerNodeId()).contains(h.id()));
        assertFalse(driver.listOwned("f".repeat(64)).contains(h.id()));
    }
}
