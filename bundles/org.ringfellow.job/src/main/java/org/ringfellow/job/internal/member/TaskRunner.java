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
            destroyAndDelete(id, dir);
        }
    }

    /** Destroys the container {@code id} if one was made, and deletes the run's directory. */
    private void destroyAndDelete(String id, Path dir) {
        if (id != null) {
            try {
                containers.destroy(id);
            } catch (DriverException e) {
                // the container manager reconciles what it holds with the engine; nothing else to do here
            }
        }
        deleteTree(dir);
    }

    /** The validator's wrapper: no standard input, standard output and error to one file, capped when read. */
    static final String VALIDATOR_WRAPPER = "exec \"$0\" \"$@\" </dev/null >" + OUT + "/" + STDOUT + " 2>&1";
    /** What is read of a validator's output, for the log; more is not read and not an error. */
    static final int VALIDATOR_OUTPUT_BYTES = 1024;

    /** What a validator run decided. */
    public record Comparison(boolean agree, String detail) {

        /** Checks the detail. */
        public Comparison {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Runs the job's validator command on two results of one task, the way a task runs (the job's image, the same
     * isolation, the task's share of resources), with both results mounted read-only in its working directory
     * {@code /mnt}: {@code a/} and {@code b/} each hold {@code stdout}, {@code exit-code} and {@code out/<name>}
     * for each declared output present, as {@code job:results} writes them. Exit code 0 means the results agree;
     * anything else (another exit code, a run past the validator's timeout, a missing image, a container that
     * could not run) means they do not, with the reason. Its standard output and error go to one file of which the
     * first {@value #VALIDATOR_OUTPUT_BYTES} bytes are kept for the detail.
     *
     * @param jobId the job's id
     * @param spec the job, with a validator
     * @param task the task's number
     * @param a one result
     * @param b another
     * @return whether they agree, and why not
     * @throws InterruptedException if interrupted while waiting; the container is destroyed first
     */
    public Comparison compare(String jobId, JobSpec spec, int task, TaskResult a, TaskResult b)
            throws InterruptedException {
        org.ringfellow.job.internal.model.Validator validator = spec.validator()
                .orElseThrow(() -> new IllegalArgumentException("job " + jobId + " has no validator"));
        Optional<Image> image = images.find(spec.image());
        if (image.isEmpty()) {
            return new Comparison(false, "image " + spec.image() + " is not on the submitter (image:import it first)");
        }
        String name = "jobv-" + containerName(jobId + "/validate/" + task + "/" + a.digest(spec.outputs()) + "/"
                + b.digest(spec.outputs()), System.nanoTime()).substring(4);
        Path dir = workRoot.resolve(name);
        String id = null;
        try {
            Path in = Files.createDirectories(dir.resolve("in"));
            write(in.resolve("a"), a, spec.outputs());
            write(in.resolve("b"), b, spec.outputs());
            Path out = Files.createDirectories(dir.resolve("out"));
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", VALIDATOR_WRAPPER));
            command.addAll(validator.command());
            ContainerSpec base = spec(spec, name, image.get().digest(), in, out, task);
            ContainerSpec.Builder builder = ContainerSpec.builder(name, image.get().digest(), command)
                    .workingDir(IN)
                    .limits(base.limits())
                    .mount(Mount.bindReadOnly(in.toAbsolutePath().toString(), IN))
                    .mount(Mount.bind(out.toAbsolutePath().toString(), OUT))
                    .mount(Mount.tmpfs("/tmp", TMP_BYTES))
                    .network(NetworkMode.NONE)
                    .readOnlyRoot(true)
                    .label("ringfellow.job", spec.name())
                    .stopGrace(Duration.ZERO)
                    .env("TASK_INDEX", Integer.toString(task))
                    .env("A", IN + "/a")
                    .env("B", IN + "/b");
            spec.env().forEach(builder::env);
            ContainerSpec container = builder.build();
            id = containers.run(container).id();
            Optional<ExitStatus> exit = containers.waitFor(id, Duration.ofSeconds(validator.timeoutSeconds()));
            if (exit.isEmpty()) {
                containers.stop(id, Duration.ZERO);
                return new Comparison(false, "the validator did not end within " + validator.timeoutSeconds() + " s");
            }
            String said = head(out.resolve(STDOUT));
            if (exit.get().oomKilled()) {
                return new Comparison(false, "the validator was killed for memory");
            }
            int code = exit.get().signal() != 0 ? 128 + exit.get().signal() : exit.get().exitCode();
            return new Comparison(code == 0, "the validator exited with " + code + (said.isEmpty() ? ""
                    : ": " + said));
        } catch (DriverException e) {
            return new Comparison(false, "the validator's container could not be run: " + e.getMessage());
        } catch (IOException e) {
            return new Comparison(false, "the validator's files could not be made: " + e.getMessage());
        } finally {
            destroyAndDelete(id, dir);
        }
    }

    /** A result as {@code job:results} lays it out: stdout, exit-code, out/<name>. */
    private static void write(Path dir, TaskResult result, List<String> declared) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("stdout"), result.stdout());
        Files.writeString(dir.resolve("exit-code"), result.exitCode() + "\n");
        Path outs = dir.resolve("out");
        Files.createDirectories(outs);
        for (String name : declared) {
            byte[] content = result.outputs().get(name);
            if (content != null) {
                Files.write(outs.resolve(name), content);
            }
        }
        for (Path p : List.of(dir, outs)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** The first bytes of a file, one line, or empty if it is missing or not a regular file. */
    private static String head(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        try (InputStream stream = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = stream.readNBytes(VALIDATOR_OUTPUT_BYTES);
            return new String(bytes, StandardCharsets.UTF_8).replace('\n', ' ').replace('\r', ' ').strip();
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
