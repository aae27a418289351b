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
import org.ringfellow.job.internal.model.TaskResult;

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

    private JobSpec validated(String validator, int timeout) throws Exception {
        String yaml = "name: stamps\nimage: base\ncommand: [cat]\noutputs: [out.txt]\ninputs:\n  lines: [x]\n"
                + "validator: {command: [sh, -c, '" + validator + "'], timeoutSeconds: " + timeout + "}\n";
        return new JobFileReader().parse(yaml.getBytes(StandardCharsets.UTF_8), true, dir);
    }

    private static TaskResult result(String stdout, String out) {
        return new TaskResult(0, stdout.getBytes(StandardCharsets.UTF_8),
                out == null ? Map.of() : Map.of("out.txt", out.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theValidatorSeesBothResultsAndItsExitCodeDecides() throws Exception {
        // compares only the first field of each result's standard output, and its out.txt
        JobSpec spec = validated("test \"$(cut -d\" \" -f1 a/stdout)\" = \"$(cut -d\" \" -f1 $B/stdout)\""
                + " && cmp -s a/out/out.txt b/out/out.txt && test \"$(cat a/exit-code)\" = 0", 60);
        TaskRunner runner = new TaskRunner(manager, images, Files.createDirectories(dir.resolve("work")));
        TaskRunner.Comparison same = runner.compare("stamps-0123abcd", spec, 0, result("1229 at 10:00:01\n", "o"),
                result("1229 at 10:00:07\n", "o"));
        assertTrue(same.agree(), same.toString());
        TaskRunner.Comparison other = runner.compare("stamps-0123abcd", spec, 0, result("1229 at 10:00:01\n", "o"),
                result("1230 at 10:00:01\n", "o"));
        assertFalse(other.agree(), other.toString());
        assertTrue(other.detail().contains("exited with 1"), other.toString());
        TaskRunner.Comparison missing = runner.compare("stamps-0123abcd", spec, 0, result("1229 x\n", "o"),
                result("1229 x\n", null));
        assertFalse(missing.agree(), "an output one result lacks: " + missing);
        assertNothingLeft();
    }

    @Test
    void twoRunsOfAStampingTaskDifferAndTheValidatorFindsThemAgreeing() throws Exception {
        // the task of JobsNamespacesIT's validated job: its square, then a random stamp
        String yaml = "name: stamps\nimage: base\ncommand: [sh, -c, 'read n; echo \"$((n*n)) "
                + "$(cat /proc/sys/kernel/random/uuid)\"']\ninputs:\n  lines: [\"7\"]\n"
                + "validator: {command: [sh, -c, 'test \"$(cut -d\" \" -f1 a/stdout)\" = \"$(cut -d\" \" -f1 b/stdout)\"']}\n";
        JobSpec spec = new JobFileReader().parse(yaml.getBytes(StandardCharsets.UTF_8), true, dir);
        TaskRunner runner = new TaskRunner(manager, images, Files.createDirectories(dir.resolve("work")));
        byte[] input = "7\n".getBytes(StandardCharsets.UTF_8);
        TaskOutcome one = runner.run("stamps-0123abcd", spec, 1, 0, input, Duration.ofSeconds(60));
        TaskOutcome two = runner.run("stamps-0123abcd", spec, 2, 0, input, Duration.ofSeconds(60));
        String first = new String(one.result().orElseThrow().stdout(), StandardCharsets.UTF_8);
        assertTrue(first.matches("49 [0-9a-f-]{36}\n"), first);
        assertFalse(one.digest().equals(two.digest()), "the stamps differ, so do the digests");
        TaskRunner.Comparison c = runner.compare("stamps-0123abcd", spec, 0, one.result().orElseThrow(),
                two.result().orElseThrow());
        assertTrue(c.agree(), c.toString());
        TaskRunner.Comparison wrong = runner.compare("stamps-0123abcd", spec, 0, one.result().orElseThrow(),
                result("49 x\nand one more prime\n", null));
        assertFalse(wrong.agree(), "the cheater of JobsNamespacesIT adds a line: " + wrong);
        assertNothingLeft();
    }

    @Test
    void aValidatorPastItsTimeoutOrWithoutItsImageDisagreesAndLeavesNothing() throws Exception {
        TaskRunner runner = new TaskRunner(manager, images, Files.createDirectories(dir.resolve("work")));
        TaskRunner.Comparison slow = runner.compare("stamps-0123abcd", validated("sleep 600", 2), 0,
                result("a\n", null), result("b\n", null));
        assertFalse(slow.agree());
        assertTrue(slow.detail().contains("did not end within 2 s"), slow.toString());
        // what the validator prints is kept only for the detail, at most 1 KiB of it
        TaskRunner.Comparison loud = runner.compare("stamps-0123abcd", validated("seq 1 100000; exit 3", 60), 0,
                result("a\n", null), result("b\n", null));
        assertFalse(loud.agree());
        assertTrue(loud.detail().startsWith("the validator exited with 3: 1 2 3"), loud.detail().substring(0, 40));
        assertTrue(loud.detail().length() < 1100, "detail of " + loud.detail().length() + " characters");
        String yaml = "name: stamps\nimage: nosuch\ncommand: [cat]\ninputs:\n  lines: [x]\n"
                + "validator: {command: [\"true\"]}\n";
        JobSpec noImage = new JobFileReader().parse(yaml.getBytes(StandardCharsets.UTF_8), true, dir);
        TaskRunner.Comparison none = runner.compare("stamps-0123abcd", noImage, 0, result("a\n", null),
                result("b\n", null));
        assertFalse(none.agree());
        assertTrue(none.detail().contains("image nosuch is not on the submitter"), none.toString());
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
