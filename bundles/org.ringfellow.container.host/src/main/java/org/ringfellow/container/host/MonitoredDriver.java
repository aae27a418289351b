package org.ringfellow.container.host;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ContainerStats;
import org.ringfellow.api.container.ContainerStatus;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.ExecResult;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.LogChunk;

/**
 * What the command-line drivers (runc, LXC) do the same way once a container runs under its
 * {@link Monitor}: wait for the exit file, stop (a polite signal, the grace period, then the
 * engine's kill), destroy, inspect, read statistics and logs, and run a command inside with a
 * timeout. Each driver says how its engine finds, signals and kills a container through the
 * abstract methods; everything about starting one stays the driver's own.
 *
 * <p>A container lives in a directory of its own ({@link #dir}) holding the monitor's
 * {@code exit} file and the container's {@code log}.
 */
public abstract class MonitoredDriver implements ContainerDriver {

    /** How long an engine command may take. */
    protected static final Duration CMD_TIMEOUT = Duration.ofSeconds(30);

    private final String engine;
    private final int finePolls;
    private final long finePollNanos;

    /**
     * @param engine the engine's name in messages ("runc", "lxc")
     * @param finePolls how many polls of the exit file {@link #waitFor} makes at a fine interval
     *     before it sleeps whole milliseconds: an exit is usually seen within milliseconds of a stop
     * @param finePollNanos that fine interval
     */
    protected MonitoredDriver(String engine, int finePolls, long finePollNanos) {
        this.engine = engine;
        this.finePolls = finePolls;
        this.finePollNanos = finePollNanos;
    }

    /**
     * The directory of a container.
     *
     * @param id the container's id
     * @return its directory, which may not exist
     * @throws DriverException INVALID_SPEC if the id is not a container id
     */
    protected abstract Path dir(String id) throws DriverException;

    /**
     * The container's exit as its engine reports it, once the monitor has written its exit file:
     * the place to add the OOM flag from the engine's evidence (the cgroup's OOM counter).
     *
     * @param id the container
     * @param dir its directory
     * @param exit what the monitor wrote
     * @return the exit status
     */
    protected abstract ExitStatus exitStatus(String id, Path dir, Monitor.Exit exit);

    /**
     * The host pid of the container's init while it runs, checked against the container's
     * cgroup (a recycled pid is not the container's).
     *
     * @param id the container
     * @param dir its directory
     * @return the pid, or 0 if it does not run
     */
    protected abstract long runningPid(String id, Path dir);

    /**
     * Whether anything of the container may still run, for {@link #destroy}; by default whether
     * its init runs.
     *
     * @param id the container
     * @param dir its directory
     * @return true if something of it may run
     */
    protected boolean mayRun(String id, Path dir) {
        return runningPid(id, dir) > 0;
    }

    /**
     * Whether the container never got as far as an init ({@link ContainerState#CREATED}); by
     * default never.
     *
     * @param id the container
     * @param dir its directory
     * @return true if it never started
     */
    protected boolean neverStarted(String id, Path dir) {
        return false;
    }

    /**
     * Asks the workload to end (SIGTERM), as {@link #stop} does before the grace period.
     *
     * @param id the container
     * @param dir its directory
     * @throws InterruptedException if interrupted while making sure the signal is not lost
     */
    protected abstract void terminate(String id, Path dir) throws InterruptedException;

    /**
     * Kills everything in the container, as {@link #stop} does after the grace period.
     *
     * @param id the container
     * @param dir its directory
     * @return the engine command's name, for the message if even that does not end it
     */
    protected abstract String kill(String id, Path dir);

    /**
     * Removes whatever exists of a container: engine state, mounts, files, cgroups. Called by
     * {@link #destroy} once nothing of it runs, and by a failed start; must not throw.
     *
     * @param id the container
     * @param dir its directory, which may not exist
     */
    protected abstract void cleanup(String id, Path dir);

    /**
     * The cgroup (below each controller) whose statistics are the container's.
     *
     * @param id the container
     * @return its path, such as {@code /ringfellow/<node>/<id>}
     */
    protected abstract String statsCgroup(String id);

    /**
     * The engine's command that runs a command inside a running container.
     *
     * @param id the container
     * @param execDir a fresh directory for this one command's files
     * @param command the command to run inside
     * @return the engine's command line
     */
    protected abstract List<String> execCommand(String id, Path execDir, List<String> command);

    /**
     * Ends what an exec that outlived its timeout started inside the container: killing the
     * engine's command alone would leave it running there.
     *
     * @param id the container
     * @param execDir the directory {@link #execCommand} was given
     * @param engineProcess the engine's exec command
     */
    protected abstract void killExec(String id, Path execDir, Process engineProcess);

    @Override
    public Optional<ExitStatus> waitFor(ContainerHandle handle, Duration timeout)
            throws DriverException, InterruptedException {
        String id = handle.id();
        Path dir = dir(id);
        File dirFile = dir.toFile();
        long deadline = System.nanoTime() + timeout.toNanos();
        int polls = 0;
        while (true) {
            // one stat per poll until the monitor has written the exit file (java.io.File costs a
            // stat where a missing file through NIO costs an exception)
            Optional<ExitStatus> exit = Monitor.exited(dir) ? exitStatus(id, dir) : Optional.empty();
            if (exit.isPresent()) {
                return exit;
            }
            if (!dirFile.isDirectory()) {
                throw notFound(id);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            polls++;
            if (polls < finePolls) {
                LockSupport.parkNanos(Math.min(finePollNanos, left));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } else {
                Thread.sleep(Math.min(polls < finePolls + 500 ? 5 : 25, Math.max(1, left / 1_000_000)));
            }
        }
    }

    /**
     * The container's exit status, if its monitor has written it.
     *
     * @param id the container
     * @param dir its directory
     * @return the exit, empty while it runs
     * @throws DriverException FAILED if the exit file cannot be read
     */
    protected final Optional<ExitStatus> exitStatus(String id, Path dir) throws DriverException {
        try {
            return Monitor.exit(dir).map(e -> exitStatus(id, dir, e));
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot read the exit status of " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop(ContainerHandle handle, Duration grace) throws DriverException {
        String id = handle.id();
        Path dir = dir(id);
        if (!Files.isDirectory(dir)) {
            throw notFound(id);
        }
        try {
            if (exitStatus(id, dir).isPresent()) {
                return;
            }
            terminate(id, dir);
            if (waitFor(handle, grace).isPresent()) {
                return;
            }
            String how = kill(id, dir);
            if (waitFor(handle, CMD_TIMEOUT).isEmpty()) {
                throw new DriverException(Kind.FAILED, "container " + id + " did not die after " + how);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(Kind.FAILED, "interrupted while stopping " + id, e);
        }
    }

    @Override
    public void destroy(ContainerHandle handle) throws DriverException {
        String id = handle.id();
        Path dir = dir(id);
        if (Files.isDirectory(dir) && exitStatus(id, dir).isEmpty() && mayRun(id, dir)) {
            kill(id, dir);
            try {
                waitFor(handle, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cleanup(id, dir);
        if (Files.exists(dir)) {
            throw new DriverException(Kind.FAILED, "could not remove every file of " + id + " in " + dir);
        }
    }

    @Override
    public ContainerStatus inspect(ContainerHandle handle) throws DriverException {
        String id = handle.id();
        Path dir = dir(id);
        if (!Files.isDirectory(dir)) {
            return new ContainerStatus(ContainerState.GONE, 0, Optional.empty());
        }
        Optional<ExitStatus> exit = exitStatus(id, dir);
        if (exit.isPresent()) {
            return new ContainerStatus(ContainerState.EXITED, 0, exit);
        }
        long pid = runningPid(id, dir);
        if (pid > 0) {
            return new ContainerStatus(ContainerState.RUNNING, pid, Optional.empty());
        }
        if (neverStarted(id, dir)) {
            return new ContainerStatus(ContainerState.CREATED, 0, Optional.empty());
        }
        // the init is gone but the monitor has not written the exit code yet
        try {
            exit = waitFor(handle, Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ExitStatus lost = exitStatus(id, dir, new Monitor.Exit(255, Instant.now()));
        return new ContainerStatus(ContainerState.EXITED, 0, Optional.of(exit.orElse(lost)));
    }

    @Override
    public ContainerStats stats(ContainerHandle handle) throws DriverException {
        String id = handle.id();
        Path dir = dir(id);
        requireRunning(id, dir);
        try {
            return CgroupsV1.stats(statsCgroup(id));
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot read the cgroups of " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ExecResult exec(ContainerHandle handle, List<String> command, Duration timeout) throws DriverException {
        String id = handle.id();
        Path dir = dir(id);
        if (command.isEmpty() || command.size() > ContainerSpec.MAX_ARGS) {
            throw new DriverException(Kind.INVALID_SPEC, "exec needs 1.." + ContainerSpec.MAX_ARGS + " arguments");
        }
        requireRunning(id, dir);
        Path tmp = dir.resolve("exec-" + UUID.randomUUID());
        try {
            Files.createDirectory(tmp);
            Path out = tmp.resolve("out");
            Path err = tmp.resolve("err");
            List<String> cmd = execCommand(id, tmp, command);
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int code;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                code = p.exitValue();
            } else {
                killExec(id, tmp, p);
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                code = -1;
            }
            return new ExecResult(code, ContainerFiles.head(out), ContainerFiles.head(err));
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot exec in " + id + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(Kind.FAILED, "interrupted during exec in " + id, e);
        } finally {
            ContainerFiles.deleteTree(tmp);
        }
    }

    @Override
    public LogChunk logs(ContainerHandle handle, long fromOffset, int maxBytes) throws DriverException {
        return ContainerFiles.logs(dir(handle.id()).resolve("log"), handle.id(), fromOffset, maxBytes);
    }

    private void requireRunning(String id, Path dir) throws DriverException {
        if (!Files.isDirectory(dir) || runningPid(id, dir) <= 0) {
            throw new DriverException(Kind.FAILED, "container " + id + " does not run");
        }
    }

    private DriverException notFound(String id) {
        return new DriverException(Kind.NOT_FOUND, "no " + engine + " container " + id);
    }
}
