package org.ringfellow.job.internal.protocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
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

/**
 * Test support: a container manager and image store in one, whose "container" turns the task's input into its
 * standard output with a function, at once (no engine: what a real driver does is the test kit's business).
 */
final class ScriptedEngine implements ContainerManager {

    private final UnaryOperator<String> task;
    private int started;
    private int destroyed;

    ScriptedEngine(UnaryOperator<String> task) {
        this.task = task;
    }

    int running() {
        return started - destroyed;
    }

    @Override
    public ContainerInfo run(ContainerSpec spec) throws DriverException {
        started++;
        try {
            Path in = Path.of(spec.mounts().stream().filter(m -> m.target().equals("/mnt")).findFirst()
                    .orElseThrow().source());
            Path out = Path.of(spec.mounts().stream().filter(m -> m.target().equals("/work")).findFirst()
                    .orElseThrow().source());
            Files.writeString(out.resolve(".stdout"), task.apply(Files.readString(in.resolve("input"))));
        } catch (java.io.IOException e) {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, e.getMessage());
        }
        return new ContainerInfo("c" + started, "scripted", ContainerState.EXITED, spec.image(), "base",
                spec.limits(), Instant.EPOCH, Optional.empty());
    }

    @Override
    public Optional<ExitStatus> waitFor(String id, Duration timeout) {
        return Optional.of(new ExitStatus(0, 0, false, Instant.EPOCH));
    }

    @Override
    public void destroy(String id) {
        destroyed++;
    }

    @Override
    public void stop(String id, Duration grace) {
    }

    @Override
    public List<DriverInfo> drivers() {
        return List.of();
    }

    @Override
    public Optional<String> defaultDriver() {
        return Optional.of("scripted");
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
        throw new DriverException(DriverException.Kind.INVALID_SPEC, "no exec");
    }

    @Override
    public ContainerStats stats(String id) throws DriverException {
        throw new DriverException(DriverException.Kind.INVALID_SPEC, "no stats");
    }

    @Override
    public ContainerInfo migrate(String id, String driverType) throws DriverException {
        throw new DriverException(DriverException.Kind.INVALID_SPEC, "no migration");
    }

    /** The image store beside it: only the base image. */
    static final class Images implements ImageStore {
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
            return new Image("base", "sha256:" + "cd".repeat(32), 1, Instant.EPOCH);
        }

        @Override
        public Image importArchive(String name, Path archive) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no import");
        }

        @Override
        public boolean remove(String name) {
            return false;
        }

        @Override
        public Path archive(String digest) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no archive");
        }

        @Override
        public Path rootfs(String digest) throws DriverException {
            throw new DriverException(DriverException.Kind.INVALID_SPEC, "no rootfs");
        }
    }
}
