package org.ringfellow.container.host;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ringfellow.api.container.DriverException;

/**
 * The per-container monitor, {@code ringfellow-monitor} (a small static C program shipped in this
 * package): in a process group of its own, it runs the engine's command as its child and writes
 * the container's exit code to the container's {@code exit} file when the container ends. The
 * container's streams are its output file, never pipes to the JVM, so the container and its exit
 * code outlive the driver, its bundle and the JVM.
 *
 * <p>Two modes: the engine's command is the container's monitor itself and its exit code is the
 * container's ({@code lxc-execute}); or it starts the container detached and exits
 * ({@code runc run --detach --pid-file}), and the monitor, a child subreaper, collects the exit
 * code of the orphaned init. In the second mode the monitor tells the driver through a pipe when
 * the command has exited, so the driver waits without polling, as a shell waits for
 * {@code runc run --detach}.
 */
public final class Monitor {

    /** The program's name, in this package and where it is installed. */
    public static final String PROGRAM = "ringfellow-monitor";

    private final Path program;
    private final Optional<String> problem;

    private Monitor(Path program, Optional<String> problem) {
        this.program = program;
        this.problem = problem;
    }

    /**
     * Installs the monitor in a directory, or records why it cannot be: a driver then reports
     * itself unhealthy with that reason instead of failing to activate.
     *
     * @param dir the driver's state directory for programs
     * @return the monitor, usable unless {@link #problem} says otherwise
     */
    public static Monitor installIn(Path dir) {
        try {
            return install(dir);
        } catch (IOException e) {
            return new Monitor(dir.resolve(PROGRAM), Optional.of("cannot install the container monitor: "
                    + e.getMessage()));
        }
    }

    /**
     * Why this monitor cannot run containers.
     *
     * @return the reason; empty if it is installed
     */
    public Optional<String> problem() {
        return problem;
    }

    /**
     * Refuses to start a container without a monitor.
     *
     * @throws DriverException FAILED with the reason, if it is not installed
     */
    public void requireUsable() throws DriverException {
        if (problem.isPresent()) {
            throw new DriverException(DriverException.Kind.FAILED, problem.get());
        }
    }

    /**
     * Installs the monitor in a directory (unless the same program is there already) and returns it.
     * A running monitor keeps its old program: a changed one is renamed into place, never rewritten.
     *
     * @param dir the driver's state directory for programs
     * @return the monitor
     * @throws IOException if it cannot be installed, or this machine is not one it is built for
     */
    public static Monitor install(Path dir) throws IOException {
        byte[] binary;
        try (InputStream in = Monitor.class.getResourceAsStream(PROGRAM)) {
            if (in == null) {
                throw new IOException(PROGRAM + " is missing from the driver bundle");
            }
            binary = in.readAllBytes();
        }
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            throw new IOException(PROGRAM + " is built for x86-64 Linux, this machine is " + arch);
        }
        Files.createDirectories(dir);
        Path target = dir.resolve(PROGRAM);
        if (!Files.isExecutable(target) || !Arrays.equals(Files.readAllBytes(target), binary)) {
            Path tmp = Files.createTempFile(dir, PROGRAM, ".tmp");
            try {
                Files.write(tmp, binary);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return new Monitor(target, Optional.empty());
    }

    /**
     * The installed program.
     *
     * @return its path
     */
    public Path program() {
        return program;
    }

    /**
     * Starts a container's monitor.
     *
     * @param dir the container's directory: its working directory, with the {@code exit} file
     * @param log the container's output file (appended to)
     * @param pidFile the file a detaching command writes the init's pid to; empty if the command
     *     itself lasts as long as the container
     * @param command the engine's command
     * @return the monitor process (the JVM's child until it ends; nothing depends on that); its
     *     standard output is the notice {@link #started} reads
     * @throws IOException if it cannot start
     */
    public Process start(Path dir, Path log, Optional<Path> pidFile, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(program.toString(), dir.resolve("exit").toString(),
                pidFile.map(Path::toString).orElse("-"), "--"));
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(dir.toFile())
                .start();
        if (pidFile.isEmpty()) {
            // no notice in this mode: the monitor closes its end at once
            p.getInputStream().close();
        }
        return p;
    }

    /**
     * Waits until a detaching command has exited: blocks on the monitor's notice, no polling.
     *
     * @param monitor a monitor started with a pid file
     * @param timeout the longest to wait; the monitor is killed after it
     * @return the command's exit code (0: the container runs); empty if the monitor ended or was
     *     killed without a notice
     * @throws IOException if the notice cannot be read
     */
    public static OptionalInt started(Process monitor, Duration timeout) throws IOException {
        CompletableFuture<Void> read = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!read.isDone()) {
                monitor.destroyForcibly();
            }
        });
        try (InputStream in = monitor.getInputStream()) {
            byte[] line = in.readNBytes(16);
            String text = new String(line, StandardCharsets.US_ASCII).trim();
            return text.matches("\\d{1,3}") ? OptionalInt.of(Integer.parseInt(text)) : OptionalInt.empty();
        } finally {
            read.complete(null);
        }
    }

    /**
     * What a monitor recorded when its container ended.
     *
     * @param code the exit code, 128 + the signal for a killed init
     * @param finished when the monitor recorded it
     */
    public record Exit(int code, Instant finished) {
        /**
         * The signal that ended the container, from the shell convention of 128 + the signal.
         *
         * @return the signal; 0 if it exited
         */
        public int signal() {
            return code > 128 && code < 128 + 65 ? code - 128 : 0;
        }
    }

    /**
     * Reads a container's exit file.
     *
     * @param dir the container's directory
     * @return the exit, if the container has ended and its monitor has recorded it
     * @throws IOException if the file exists but cannot be read
     */
    public static Optional<Exit> exit(Path dir) throws IOException {
        Path exitFile = dir.resolve("exit");
        String text;
        Instant finished;
        try {
            text = Files.readString(exitFile).trim();
            finished = Files.getLastModifiedTime(exitFile).toInstant();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (text.isEmpty()) {
            // a file written by an older monitor, created but not yet written
            return Optional.empty();
        }
        int code;
        try {
            code = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            code = 255;
        }
        return Optional.of(new Exit(code, finished));
    }

    /**
     * Whether a container's monitor has recorded its exit, at the cost of one stat.
     *
     * @param dir the container's directory
     * @return true once the exit file exists
     */
    public static boolean exited(Path dir) {
        return dir.resolve("exit").toFile().exists();
    }
}
