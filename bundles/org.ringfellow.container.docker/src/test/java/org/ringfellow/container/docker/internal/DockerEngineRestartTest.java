package org.ringfellow.container.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.tck.Engines;

/**
 * The driver while its dockerd goes away and comes back: a private dockerd, started and
 * stopped with scripts/lib/engines.sh, with live restore so the containers run on meanwhile.
 */
class DockerEngineRestartTest {

    private static final Path SCRIPT = Path.of("../../scripts/lib/engines.sh").toAbsolutePath().normalize();

    private Path dir;
    private FileImageStore images;
    private String nodeId;

    @BeforeEach
    void setUp() throws Exception {
        boolean possible = Files.isRegularFile(SCRIPT) && "root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/sbin/dockerd"));
        if (!possible) {
            String why = "a private dockerd needs root, /usr/sbin/dockerd and " + SCRIPT;
            if (Boolean.getBoolean(Engines.REQUIRED)) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        dir = Files.createTempDirectory("rf-dockerd-");
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        nodeId = HexFormat.of().formatHex(id);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        engines("stop_dockerd \"$1\"");
        // dockerd's data root holds files owned by container users; rm knows them all
        new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).inheritIO().start().waitFor();
    }

    private void engines(String call) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "source \"$0\"; " + call, SCRIPT.toString(),
                dir.resolve("dockerd").toString(), "--live-restore")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("engines.log")
                        .toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail(call + " failed: " + Files.readString(dir.resolve("engines.log")));
        }
    }

    @Test
    void givenARunningContainer_whenDockerdStopsAndComesBack_thenUnhealthyWithAReasonThenHealthyAndTheContainerIsStillTracked()
            throws Exception {
        engines("start_dockerd \"$1\" \"$2\"");
        DockerDriver driver = new DockerDriver(DockerOptions.defaults("unix://" + dir.resolve("dockerd/docker.sock")),
                images, nodeId);
        try {
            assertEquals(Health.HEALTHY, driver.fingerprint().health(), driver.fingerprint().reason());
            String base = images.base().digest();
            ContainerHandle h = driver.start(ContainerSpec.builder("survivor", base, List.of("sleep", "1000"))
                    .build());
            long pid = driver.inspect(h).pid();
            assertNotEquals(0, pid);

            engines("stop_dockerd \"$1\"");
            Fingerprint down = driver.fingerprint();
            assertEquals(Health.UNHEALTHY, down.health());
            assertTrue(down.reason().contains("dockerd"), down.reason());
            DriverException e = assertThrows(DriverException.class, () -> driver.inspect(h));
            assertFalse(e.getMessage().isBlank());
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "the container died with dockerd despite live restore");

            engines("start_dockerd \"$1\" \"$2\"");
            assertEquals(Health.HEALTHY, driver.fingerprint().health(), driver.fingerprint().reason());
            assertEquals(List.of("survivor"), driver.listOwned(nodeId));
            assertEquals(ContainerState.RUNNING, driver.inspect(h).state());
            assertEquals(pid, driver.inspect(h).pid());
            driver.stop(h, Duration.ofSeconds(5));
            assertEquals(143, driver.waitFor(h, Duration.ofSeconds(5)).orElseThrow().exitCode());
            driver.destroy(h);
            assertEquals(ContainerState.GONE, driver.inspect(h).state());
            assertTrue(driver.removeImage(base));
        } finally {
            driver.close();
        }
    }

    @Test
    void givenNoDockerdAtTheEndpoint_whenFingerprinted_thenUnhealthyWithTheReasonAndStartsRefusedAsUnavailable()
            throws Exception {
        DockerDriver driver = new DockerDriver(DockerOptions.defaults("unix://" + dir.resolve("none.sock")), images,
                nodeId);
        try {
            Fingerprint f = driver.fingerprint();
            assertEquals(Health.UNHEALTHY, f.health());
            assertTrue(f.reason().contains("dockerd is not running"), f.reason());
            String base = images.base().digest();
            DriverException e = assertThrows(DriverException.class,
                    () -> driver.start(ContainerSpec.builder("nowhere", base, List.of("true")).build()));
            assertEquals(DriverException.Kind.ENGINE_UNAVAILABLE, e.kind(), e.getMessage());
        } finally {
            driver.close();
        }
    }
}
