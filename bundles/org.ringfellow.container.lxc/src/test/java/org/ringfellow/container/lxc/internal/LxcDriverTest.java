package org.ringfellow.container.lxc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.tck.Engines;

/** What the LXC driver does beyond the kit, on real LXC. */
class LxcDriverTest {

    @TempDir
    Path dir;
    LxcDriver driver;
    String base;
    String nodeId;

    @BeforeEach
    void setUp() throws Exception {
        FileImageStore images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
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
    void givenALineBreakInAnEnvironmentValue_whenStarted_thenRefusedAndNothingLeft() throws Exception {
        ContainerSpec s = ContainerSpec.builder("newline", base, List.of("true")).env("X", "a\nlxc.cap.keep = all")
                .build();
        DriverException e = assertThrows(DriverException.class, () -> driver.start(s));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind());
        assertTrue(driver.listOwned(nodeId).isEmpty());
        assertFalse(Files.exists(dir.resolve("lxc/containers/newline")));
    }
}
