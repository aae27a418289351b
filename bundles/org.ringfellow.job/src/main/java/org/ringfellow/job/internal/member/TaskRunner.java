package org.ringfellow.job.internal.member;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.NetworkMode;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.model.TaskResult;

/**
 * Runs one task of a job on this member, in a container of the node's default driver, through the public
 * {@link ContainerManager} and {@link ImageStore}. The container is isolated as every Ringfellow container is (no
 * network, read-only root) and gets the task's share of what the member lends ({@code resources /
 * slotsPerMember}). The task's input is its standard input ({@code /mnt/input}); its standard output goes to a
 * file, so it is kept byte for byte; it writes its declared outputs in {@code /work}, its working directory. Both
 * are directories the {@code base} image has: a bind mount needs its target in the image, whose root is read-only
 * and shared.
 * The image must have {@code /bin/sh} (the {@code base} image has busybox's). Past the deadline the container is
 * stopped and the run is an error; so is an output over {@code maxOutputBytes}, an output that is not a regular
 * file, a missing image, a container killed for memory. The container is destroyed and the task's directory
 * removed whatever happens.
 */
public final class TaskRunner {

    /** Where the task's input directory is mounted (a directory of the base image). */
    static final String IN = "/mnt";
    /** Where the task's output directory is mounted, also its working directory (a directory of the base image). */
    static final String OUT = "/work";
    /** The file in the output directory that receives standard output (no declared output may start with '.'). */
    static final String STDOUT = ".stdout";
    /** The wrapper: the task's program with its stdin and stdout redirected, replacing the shell. */
    static final String WRAPPER = "exec \"$0\" \"$@\" <" + IN + "/input >" + OUT + "/" + STDOUT;
    /** A task's /tmp. */
    static final long TMP_BYTES = 16L << 20;
    /** Processes a task may have. */
    static final int PIDS = 64;

    private final ContainerManager containers;
    private final ImageStore images;
    private final Path workRoot;

    /**
     * @param containers the node's container manager
     * @param images the node's image store
     * @param workRoot the directory tasks' files are made in (one subdirectory per task, removed after)
     */
    public TaskRunner(ContainerManager containers, ImageStore images, Path workRoot) {
        this.containers = Objects.requireNonNull(containers, "containers");
        this.images = Objects.requireNonNull(images, "images");
        this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
    }

    /**
     * Runs a task and waits for it, at most until its deadline.
     *
     * @param jobId the job's id
     * @param spec the job
     * @param leaseId the lease it runs under
     * @param task the task's number
     * @param input the task's input (its line with a newline, or its file's bytes)
     * @param deadline how long it may run
     * @return the outcome
     * @throws InterruptedException if interrupted while waiting; the container is destroyed first
     */
    public TaskOutcome run(String jobId, JobSpec spec, long leaseId, int task, byte[] input, Duration deadline)
            throws InterruptedException {
        Optional<Image> image = images.find(spec.image());
        if (image.isEmpty()) {
            return TaskOutcome.failure("image " + spec.image() + " is not on this member (image:import it first)");
        }
        String name = containerName(jobId, leaseId);
        Path dir = workRoot.resolve(name);
        String id = null;
        try {
            Path in = Files.createDirectories(dir.resolve("in"));
            Files.write(in.resolve("input"), input);
            Path out = Files.createDirectories(dir.resolve("out"));
            // the task runs as an unprivileged user of the container (uid 100000 under runc, 65534 elsewhere)
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(in, PosixFilePermissions.fromString("rwxr-xr-x"));
            ContainerSpec container = spec(spec, name, image.get().digest(), in, out, task);
            id = containers.run(container).id();
            Optional<ExitStatus> exit = containers.waitFor(id, deadline);
            if (exit.isEmpty()) {
                containers.stop(id, Duration.ZERO);
                return TaskOutcome.failure("task " + task + " did not end within its deadline of "
                        + deadline.toSeconds() + " s");
            }
            if (exit.get().oomKilled()) {
                return TaskOutcome.failure("task " + task + " was killed for memory (limit "
                        + container.limits().memoryBytes() + " bytes)");
            }
            return collect(spec, task, exit.get(), out);
        } catch (DriverException e) {
            return TaskOutcome.failure("task " + task + ": the container could not be run: " + e.getMessage());
        } catch (IOException e) {
            return TaskOutcome.failure("task " + task + ": its files could not be made or read: " + e.getMessage());
        } finally {
            if (id != null) {
                try {
                    containers.destroy(id);
                } catch (DriverException e) {
                    // the container manager reconciles what it holds with the engine; nothing else to do here
                }
            }
            deleteTree(dir);
        }
    }

    static String containerName(String jobId, long leaseId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((jobId + "/" + leaseId).getBytes(StandardCharsets.UTF_8));
            return "job-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static ContainerSpec spec(JobSpec spec, String name, String digest, Path in, Path out, int task) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER));
        command.addAll(spec.command());
        long memory = Math.max(ResourceLimits.MIN_MEMORY, spec.resources().memoryBytes() / spec.slotsPerMember());
        long cpus = Math.max(1, spec.resources().milliCpus() / spec.slotsPerMember());
        ContainerSpec.Builder b = ContainerSpec.builder(name, digest, command)
                .workingDir(OUT)
                .limits(new ResourceLimits(cpus, memory, PIDS))
                .mount(Mount.bindReadOnly(in.toAbsolutePath().toString(), IN))
                .mount(Mount.bind(out.toAbsolutePath().toString(), OUT))
                .mount(Mount.tmpfs("/tmp", TMP_BYTES))
                .network(NetworkMode.NONE)
                .readOnlyRoot(true)
                .label("ringfellow.job", spec.name())
                .stopGrace(Duration.ZERO)
                .env("TASK_INDEX", Integer.toString(task))
                .env("TASK_OUT", OUT);
        spec.env().forEach(b::env);
        return b.build();
    }

    private static TaskOutcome collect(JobSpec spec, int task, ExitStatus exit, Path out) throws IOException {
        Optional<byte[]> stdout = readCapped(out.resolve(STDOUT), spec.maxOutputBytes());
        if (stdout.isEmpty()) {
            return TaskOutcome.failure("task " + task + ": its standard output is over maxOutputBytes ("
                    + spec.maxOutputBytes() + ") or not a regular file");
        }
        Map<String, byte[]> outputs = new LinkedHashMap<>();
        for (String declared : spec.outputs()) {
            Path file = out.resolve(declared);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Optional<byte[]> content = readCapped(file, spec.maxOutputBytes());
            if (content.isEmpty()) {
                return TaskOutcome.failure("task " + task + ": output " + declared + " is over maxOutputBytes ("
                        + spec.maxOutputBytes() + ") or not a regular file");
            }
            outputs.put(declared, content.get());
        }
        int code = exit.signal() != 0 ? 128 + exit.signal() : exit.exitCode();
        TaskResult result = new TaskResult(code, stdout.get(), outputs);
        return TaskOutcome.success(result, result.digest(spec.outputs()));
    }

    /** The file's bytes, or empty if it is not a regular file (a link is not followed) or is over the cap. */
    private static Optional<byte[]> readCapped(Path file, long cap) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (Files.size(file) > cap) {
            return Optional.empty();
        }
        try (InputStream stream = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = stream.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
            return bytes.length > cap ? Optional.empty() : Optional.of(bytes);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                    for (Path child : children) {
                        deleteTree(child);
                    }
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // left for the next start's sweep of the work root
        }
    }
}
