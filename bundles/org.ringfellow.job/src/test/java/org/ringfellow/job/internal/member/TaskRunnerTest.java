package org.ringfellow.job.internal.member;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ContainerStats;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverInfo;
import org.ringfellow.api.container.ExecResult;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.LogChunk;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.NetworkMode;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.model.TaskResult;

/**
 * The member's task runner against a scripted container manager (what the task "does" is written into the
 * directories the spec mounts). It checks the spec it asks for and what it makes of the task's files; that a
 * real driver runs such a spec is the drivers' test kit's business, not claimed here.
 */
class TaskRunnerTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path dir;

    /** What the scripted container does with its host directories; returns the exit, or empty to run forever. */
    interface Script {
        Optional<ExitStatus> run(Path in, Path out) throws Exception;
    }

    private final class ScriptedContainers implements ContainerManager {
        final List<ContainerSpec> started = new ArrayList<>();
        final List<String> stopped = new ArrayList<>();
        final List<String> destroyed = new ArrayList<>();
        Script script;
        Optional<ExitStatus> exit;

        @Override
        public ContainerInfo run(ContainerSpec spec) throws DriverException {
            started.add(spec);
            try {
                exit = script.run(Path.of(source(spec, TaskRunner.IN)), Path.of(source(spec, TaskRunner.OUT)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new ContainerInfo("c" + started.size(), "fake", ContainerState.RUNNING, spec.image(), "base",
                    spec.limits(), Instant.EPOCH, Optional.empty());
        }

        @Override
        public Optional<ExitStatus> waitFor(String id, Duration timeout) {
            return exit;
        }

        @Override
        public void stop(String id, Duration grace) {
            stopped.add(id);
        }

        @Override
        public void destroy(String id) {
            destroyed.add(id);
        }

        @Override
        public List<DriverInfo> drivers() {
            return List.of();
        }

        @Override
        public Optional<String> defaultDriver() {
            return Optional.of("fake");
        }

        @Override
        public void useDriver(String type) {
        }

        @Override
        public ContainerInfo run(ContainerSpec spec, String driverType) throws DriverException {
            return run(spec);
        }

        @Override
        public List<ContainerInfo> list() {
            return List.of();
        }

        @Override
        public Optional<ContainerInfo> get(String id) {
            return Optional.empty();
        }

        @Override
        public LogChunk logs(String id, long fromOffset, int maxBytes) {
            return new LogChunk("", 0, false);
        }

        @Override
        public ExecResult exec(String id, List<String> command, Duration timeout) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no exec here");
        }

        @Override
        public ContainerStats stats(String id) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no stats here");
        }

        @Override
        public ContainerInfo migrate(String id, String driverType) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no migration here");
        }
    }

    private static String source(ContainerSpec spec, String target) {
        return spec.mounts().stream().filter(m -> m.target().equals(target)).findFirst().orElseThrow().source();
    }

    private static final class Images implements ImageStore {
        @Override
        public List<Image> list() {
            return List.of(base());
        }

        @Override
        public Optional<Image> find(String nameOrDigest) {
            return nameOrDigest.equals("base") ? Optional.of(base()) : Optional.empty();
        }

        @Override
        public Image base() {
            return new Image("base", DIGEST, 1, Instant.EPOCH);
        }

        @Override
        public Image importArchive(String name, Path archive) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no import here");
        }

        @Override
        public boolean remove(String name) {
            return false;
        }

        @Override
        public Path archive(String digest) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no archive here");
        }

        @Override
        public Path rootfs(String digest) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no rootfs here");
        }
    }

    private final ScriptedContainers containers = new ScriptedContainers();

    private JobSpec job(String extra) throws Exception {
        String yaml = "name: sq\nimage: base\ncommand: [sh, -c, 'read n; echo $((n*n)) > r.txt; echo done']\n"
                + "inputs: {lines: [\"3\"]}\noutputs: [r.txt, absent.txt]\nresources: {cpus: 2, memory: 512m}\n"
                + "slotsPerMember: 2\nmaxOutputBytes: 64\nenv: {MODE: x}\n" + extra;
        return new JobFileReader().parse(yaml.getBytes(StandardCharsets.UTF_8), true, dir);
    }

    private TaskRunner runner() {
        return new TaskRunner(containers, new Images(), dir.resolve("work"));
    }

    private static Optional<ExitStatus> exit(int code) {
        return Optional.of(new ExitStatus(code, 0, false, Instant.EPOCH));
    }

    @Test
    void aTaskRunsIsolatedWithItsInputAndItsResultIsItsExitStdoutAndOutputs() throws Exception {
        containers.script = (in, out) -> {
            assertEquals("3\n", Files.readString(in.resolve("input")));
            Files.writeString(out.resolve(TaskRunner.STDOUT), "done\n");
            Files.writeString(out.resolve("r.txt"), "9\n");
            Files.writeString(out.resolve("undeclared"), "ignored");
            return exit(0);
        };
        JobSpec job = job("");
        TaskOutcome outcome = runner().run("sq-0123abcd", job, 5, 0, "3\n".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(30));
        assertTrue(outcome.succeeded(), outcome.toString());
        TaskResult result = outcome.result().orElseThrow();
        assertEquals(0, result.exitCode());
        assertArrayEquals("done\n".getBytes(StandardCharsets.UTF_8), result.stdout());
        assertEquals(List.of("r.txt"), List.copyOf(result.outputs().keySet()));
        assertEquals(result.digest(job.outputs()), outcome.digest().orElseThrow());

        ContainerSpec spec = containers.started.get(0);
        assertEquals(List.of("/bin/sh", "-c", TaskRunner.WRAPPER, "sh", "-c",
                "read n; echo $((n*n)) > r.txt; echo done"), spec.command());
        assertEquals(DIGEST, spec.image());
        assertEquals(NetworkMode.NONE, spec.network());
        assertTrue(spec.readOnlyRoot());
        assertEquals(TaskRunner.OUT, spec.workingDir());
        assertEquals(1000, spec.limits().milliCpus(), "2 CPUs over 2 slots");
        assertEquals(256L << 20, spec.limits().memoryBytes(), "512m over 2 slots");
        assertEquals(Map.of("TASK_INDEX", "0", "TASK_OUT", TaskRunner.OUT, "MODE", "x"), spec.env());
        assertTrue(spec.mounts().stream().anyMatch(m -> m.target().equals(TaskRunner.IN) && m.readOnly()));
        assertTrue(spec.mounts().stream().anyMatch(m -> m.target().equals(TaskRunner.OUT) && !m.readOnly()));
        assertTrue(spec.mounts().stream().anyMatch(m -> m.type() == Mount.Type.TMPFS && m.target().equals("/tmp")));
        assertTrue(spec.name().matches("job-[0-9a-f]{16}"), spec.name());
        assertEquals(List.of("c1"), containers.destroyed, "the container is destroyed");
        assertFalse(Files.exists(dir.resolve("work").resolve(spec.name())), "and the task's files removed");
    }

    @Test
    void aTaskPastItsDeadlineIsStoppedDestroyedAndAnError() throws Exception {
        containers.script = (in, out) -> Optional.empty();
        TaskOutcome outcome = runner().run("sq-0123abcd", job(""), 6, 2, new byte[0], Duration.ofSeconds(7));
        assertEquals(Optional.of("task 2 did not end within its deadline of 7 s"), outcome.error());
        assertEquals(List.of("c1"), containers.stopped);
        assertEquals(List.of("c1"), containers.destroyed);
    }

    @Test
    void outputOverItsCapIsAnError() throws Exception {
        containers.script = (in, out) -> {
            Files.writeString(out.resolve(TaskRunner.STDOUT), "x".repeat(65));
            return exit(0);
        };
        TaskOutcome outcome = runner().run("sq-0123abcd", job(""), 7, 0, new byte[0], Duration.ofSeconds(7));
        assertTrue(outcome.error().orElseThrow().contains("standard output is over maxOutputBytes (64)"));
        containers.script = (in, out) -> {
            Files.writeString(out.resolve(TaskRunner.STDOUT), "ok");
            Files.writeString(out.resolve("r.txt"), "y".repeat(65));
            return exit(0);
        };
        outcome = runner().run("sq-0123abcd", job(""), 8, 0, new byte[0], Duration.ofSeconds(7));
        assertTrue(outcome.error().orElseThrow().contains("output r.txt is over maxOutputBytes (64)"));
        assertEquals(2, containers.destroyed.size());
    }

    @Test
    void anOutputThatIsALinkIsNotFollowed() throws Exception {
        Path secret = Files.writeString(dir.resolve("host-secret"), "s3cret");
        containers.script = (in, out) -> {
            Files.writeString(out.resolve(TaskRunner.STDOUT), "ok");
            Files.createSymbolicLink(out.resolve("r.txt"), secret);
            return exit(0);
        };
        TaskOutcome outcome = runner().run("sq-0123abcd", job(""), 9, 0, new byte[0], Duration.ofSeconds(7));
        assertTrue(outcome.error().orElseThrow().contains("output r.txt is over maxOutputBytes (64) or not a regular file"));
        assertTrue(Files.exists(secret), "the link's target is left alone");
    }

    @Test
    void aMissingImageIsAClearErrorAndNoContainerIsStarted() throws Exception {
        JobSpec job = new JobFileReader().parse("name: a\nimage: nowhere\ncommand: [cat]\ninputs: {lines: [x]}\n"
                .getBytes(StandardCharsets.UTF_8), true, dir);
        TaskOutcome outcome = runner().run("a-0123abcd", job, 1, 0, new byte[0], Duration.ofSeconds(7));
        assertEquals(Optional.of("image nowhere is not on this member (image:import it first)"), outcome.error());
        assertEquals(List.of(), containers.started);
    }

    @Test
    void aNonZeroExitOrASignalIsPartOfTheResultAndAnOomKillIsAnError() throws Exception {
        containers.script = (in, out) -> {
            Files.writeString(out.resolve(TaskRunner.STDOUT), "");
            return Optional.of(new ExitStatus(0, 9, false, Instant.EPOCH));
        };
        TaskOutcome outcome = runner().run("sq-0123abcd", job(""), 10, 0, new byte[0], Duration.ofSeconds(7));
        assertEquals(137, outcome.result().orElseThrow().exitCode());
        containers.script = (in, out) -> Optional.of(new ExitStatus(137, 9, true, Instant.EPOCH));
        outcome = runner().run("sq-0123abcd", job(""), 11, 0, new byte[0], Duration.ofSeconds(7));
        assertTrue(outcome.error().orElseThrow().contains("was killed for memory"));
    }
}
