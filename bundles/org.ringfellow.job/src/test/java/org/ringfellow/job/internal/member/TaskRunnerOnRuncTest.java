package org.ringfellow.job.internal.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.Health;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.runc.internal.RuncDriver;
import org.ringfellow.container.runc.internal.RuncOptions;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;

/**
 * {@link TaskRunner} on the real runc engine, through the real container manager and the base image (busybox):
 * the example job's task gives the right count, a task past its deadline and an output over its cap are errors,
 * and no container or task directory is left behind. Skipped where runc is not healthy.
 */
class TaskRunnerOnRuncTest {

    @TempDir
    Path dir;

    private RuncDriver runc;
    private ContainerManagerImpl manager;
    private FileImageStore images;
    private String nodeId;

    @BeforeEach
    void setUp() throws Exception {
        nodeId = InMemoryNode.randomId();
        InMemoryNode node = new InMemoryNode(dir.resolve("node"), nodeId);
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        runc = RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
        assumeTrue(runc.fingerprint().health() == Health.HEALTHY, runc.fingerprint().reason());
        manager = ContainerManagerImpl.create(node, new InMemoryNode.Store(), images, "");
        manager.bindDriver(runc, Map.of(ContainerDriver.TYPE_PROPERTY, runc.type()));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runc != null) {
            for (String cid : runc.listOwned(nodeId)) {
                runc.destroy(new org.ringfellow.api.container.ContainerHandle(cid, "runc", java.time.Instant.now(),
                        Map.of()));
            }
        }
    }

    private JobSpec spec(String command, long maxOutput) throws Exception {
        String yaml = "name: primes\nimage: base\ncommand: [sh, -c, '" + command + "']\nmaxOutputBytes: " + maxOutput
                + "\ninputs:\n  lines: [\"1 10000\"]\n";
        return new JobFileReader().parse(yaml.getBytes(StandardCharsets.UTF_8), true, dir);
    }

    @Test
    void theExampleTaskCountsThePrimesInItsRangeInARealContainer() throws Exception {
        JobSpec spec = spec("read a b; echo \"$a $b $(seq $a $b | factor | awk \"NF==2\" | wc -l)\"", 4096);
        TaskRunner runner = new TaskRunner(manager, images, Files.createDirectories(dir.resolve("work")));
        TaskOutcome outcome = runner.run("primes-0123abcd", spec, 7, 0, "1 10000\n".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(60));
        assertTrue(outcome.succeeded(), outcome.toString());
        assertEquals("1 10000 1229\n", new String(outcome.result().orElseThrow().stdout(), StandardCharsets.UTF_8));
        assertEquals(0, outcome.result().orElseThrow().exitCode());
        assertNothingLeft();
    }

    @Test
    void aTaskPastItsDeadlineIsAnErrorAndItsContainerIsGone() throws Exception {
        JobSpec spec = spec("sleep 600", 4096);
        TaskRunner runner = new TaskRunner(manager, images, Files.createDirectories(dir.resolve("work")));
        TaskOutcome outcome = runner.run("primes-0123abcd", spec, 8, 0, "x\n".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(2));
        assertFalse(outcome.succeeded());
        assertTrue(outcome.error().orElseThrow().contains("did not end within its deadline of 2 s"), outcome.toString());
        assertNothingLeft();
    }

    @Test
    void anOutputOverItsCapIsAnError() throws Exception {
        JobSpec spec = spec("seq 1 10000", 100);
        TaskRunner runner = new TaskRunner(manager, images, Files.createDirectories(dir.resolve("work")));
        TaskOutcome outcome = runner.run("primes-0123abcd", spec, 9, 0, "x\n".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(60));
        assertFalse(outcome.succeeded());
        assertTrue(outcome.error().orElseThrow().contains("over maxOutputBytes (100)"), outcome.toString());
        assertNothingLeft();
    }

    private void assertNothingLeft() throws Exception {
        assertEquals(0, manager.list().size(), manager.list().toString());
        assertTrue(runc.listOwned(nodeId).isEmpty(), runc.listOwned(nodeId).toString());
        try (Stream<Path> left = Files.list(dir.resolve("work"))) {
            assertEquals(0, left.count(), "task directories removed");
        }
    }
}
