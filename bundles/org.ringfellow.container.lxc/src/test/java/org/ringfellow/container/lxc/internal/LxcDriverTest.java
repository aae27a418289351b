package org.ringfellow.container.lxc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.container.host.ContainerFiles;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.tck.Engines;

/** What the LXC driver does beyond the kit, on real LXC. */
class LxcDriverTest {

    @TempDir
    Path dir;
    LxcDriver driver;
    FileImageStore images;
    String base;
    String nodeId;

    @BeforeEach
    void setUp() throws Exception {
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        nodeId = HexFormat.of().formatHex(id);
        driver = new LxcDriver(LxcOptions.defaults(dir.resolve("lxc")), images, nodeId);
        Engines.require("LXC", driver.fingerprint());
        base = images.base().digest();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (base == null) {
            return;
        }
        for (String id : driver.listOwned(nodeId)) {
            driver.destroy(new ContainerHandle(id, "lxc", java.time.Instant.now(), java.util.Map.of()));
        }
    }

    @Test
    void givenAWorkloadIgnoringSigterm_whenStoppedAfterItsGrace_thenItsExitSaysKilledBySigkill() throws Exception {
        ContainerHandle h = driver.start(ContainerSpec.builder("stubborn", base,
                List.of("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done")).build());
        awaitOutput(h, "ready");
        driver.stop(h, Duration.ofMillis(300));
        ExitStatus exit = driver.waitFor(h, Duration.ZERO).orElseThrow();
        assertEquals(137, exit.exitCode());
        assertEquals(9, exit.signal());
        assertFalse(exit.oomKilled());
    }

    @Test
    void givenAWorkloadEndingOnSigterm_whenStopped_thenItsOwnExitCodeIsReported() throws Exception {
        ContainerHandle h = driver.start(ContainerSpec.builder("polite", base,
                List.of("sh", "-c", "trap 'exit 42' TERM; echo ready; while true; do sleep 0.1; done")).build());
        awaitOutput(h, "ready");
        driver.stop(h, Duration.ofSeconds(10));
        assertEquals(42, driver.waitFor(h, Duration.ZERO).orElseThrow().exitCode());
    }

    /** A shell's trap is set only once it runs; a SIGTERM before that ends it as SIGTERM would. */
    private void awaitOutput(ContainerHandle h, String text) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!driver.logs(h, 0, 4096).text().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in the output");
            Thread.sleep(5);
        }
    }

    @Test
    void givenContainersDestroyedRightAfterTheirStart_whenDone_thenNoCgroupIsLeft() throws Exception {
        for (int i = 0; i < 5; i++) {
            driver.destroy(driver.start(ContainerSpec.builder("brief" + i, base, List.of("sleep", "1000")).build()));
        }
        assertTrue(driver.listOwned(nodeId).isEmpty());
        try (var s = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path controller : (Iterable<Path>) s::iterator) {
                Path mine = controller.resolve("ringfellow-lxc").resolve(nodeId.substring(0, 12));
                assertFalse(Files.exists(mine), "left behind: " + mine + " " + (Files.isDirectory(mine)
                        ? Files.list(mine).toList() : List.of()));
            }
        }
    }

    @Test
    void givenStartsCutAtEachStep_whenANewInstanceOfTheDriverComes_thenItDestroysThemAndKeepsTheFinishedOnes()
            throws Exception {
        Path lxcpath = dir.resolve("lxc/containers");
        ContainerHandle kept = driver.start(ContainerSpec.builder("kept", base, List.of("sleep", "1000")).build());
        assertTrue(Files.exists(lxcpath.resolve("kept/" + LxcDriver.STARTED)), "a finished start writes its marker");
        long keptPid = driver.inspect(kept).pid();
        // a finished start of an older version of the driver: a pid file, no marker
        ContainerHandle old = driver.start(ContainerSpec.builder("kept-old", base, List.of("sleep", "1000")).build());
        long oldPid = driver.inspect(old).pid();
        Files.delete(lxcpath.resolve("kept-old/" + LxcDriver.STARTED));
        // cut once lxc-execute ran the workload, before the driver wrote the pid and the marker
        ContainerHandle running = driver.start(ContainerSpec.builder("cut-running", base, List.of("sleep", "1000"))
                .build());
        long runningPid = driver.inspect(running).pid();
        Files.delete(lxcpath.resolve("cut-running/" + LxcDriver.STARTED));
        Files.delete(lxcpath.resolve("cut-running/pid"));
        // cut after the config was written, before lxc-execute; and before the config
        Files.createDirectories(lxcpath.resolve("cut-config"));
        Files.writeString(lxcpath.resolve("cut-config/seccomp"), LxcDriver.SECCOMP_PROFILE);
        Files.writeString(lxcpath.resolve("cut-config/config"), "# org.ringfellow.node = " + nodeId + "\n");
        Files.createDirectories(lxcpath.resolve("cut-seccomp"));
        Files.writeString(lxcpath.resolve("cut-seccomp/seccomp"), LxcDriver.SECCOMP_PROFILE);
        try {
            // another node's, never this driver's to remove
            String other = "cd".repeat(32);
            Files.createDirectories(lxcpath.resolve("foreign"));
            Files.writeString(lxcpath.resolve("foreign/config"), "# org.ringfellow.node = " + other + "\n");
            // a start under way in this JVM (another instance of the driver), which holds its lock
            Files.createDirectories(lxcpath.resolve("under-way"));
            try (FileChannel ch = FileChannel.open(lxcpath.resolve("under-way/" + LxcDriver.START_LOCK),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = ch.lock()) {

                LxcDriver fresh = new LxcDriver(LxcOptions.defaults(dir.resolve("lxc")), images, nodeId);

                assertEquals(List.of("foreign", "kept", "kept-old", "under-way"), names(lxcpath));
                assertEquals(List.of("kept", "kept-old", "under-way"), fresh.listOwned(nodeId));
                assertEquals(ContainerState.RUNNING, fresh.inspect(fresh.recover(kept)).state());
                assertEquals(keptPid, fresh.inspect(kept).pid());
                assertEquals(oldPid, fresh.inspect(old).pid());
            }
            ProcessHandle.of(runningPid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
            assertFalse(ProcessHandle.of(runningPid).map(ProcessHandle::isAlive).orElse(false),
                    "the workload of the cut start still runs");
            try (var s = Files.list(Path.of("/sys/fs/cgroup"))) {
                for (Path controller : (Iterable<Path>) s::iterator) {
                    Path cg = controller.resolve("ringfellow-lxc").resolve(nodeId.substring(0, 12))
                            .resolve("cut-running");
                    assertFalse(Files.exists(cg), "left behind: " + cg);
                }
            }
            // the name of a cut start is free again
            driver.destroy(driver.start(ContainerSpec.builder("cut-running", base, List.of("sleep", "1000")).build()));
        } finally {
            // what the driver must leave alone, removed here so that the last destroy finds the lxcpath empty
            ContainerFiles.deleteTree(lxcpath.resolve("foreign"));
            ContainerFiles.deleteTree(lxcpath.resolve("under-way"));
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void givenALineBreakInAnEnvironmentValue_whenStarted_thenRefusedAndNothingLeft() throws Exception {
        ContainerSpec s = ContainerSpec.builder("newline", base, List.of("true")).env("X", "a\nlxc.cap.keep = all")
                .build();
        DriverException e = assertThrows(DriverException.class, () -> driver.start(s));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind());
        assertTrue(driver.listOwned(nodeId).isEmpty());
        assertFalse(Files.exists(dir.resolve("lxc/containers/newline")));
    }
}
