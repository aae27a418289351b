package org.ringfellow.container.host.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.ringfellow.api.container.Capability;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.NetworkMode;
import org.ringfellow.container.host.CgroupsV1;
import org.ringfellow.container.host.Commands;
import org.ringfellow.container.host.ContainerFiles;
import org.ringfellow.container.host.Monitor;
import org.ringfellow.container.host.MonitoredDriver;

/**
 * A complete driver for an OCI runtime with runc's command line ({@code --root}, {@code --log},
 * {@code run --detach --bundle --pid-file}, {@code kill --all}, {@code exec --pid-file},
 * {@code delete --force}): runc and crun are this class and a DS component around it. Each
 * container is an OCI bundle under {@code <state>/containers/<id>} and a runtime container in
 * {@code <state>/root}; both live in the node's data directory, not the bundle's, so they outlive
 * the driver and any update of it.
 *
 * <p>Each container has a {@link Monitor} ({@code ringfellow-monitor}, a small static program):
 * it runs {@code <runtime> run --detach}, exactly as an operator would, and as a child subreaper
 * inherits the container's init when the runtime exits, so it learns the exit code and writes it
 * to the bundle's {@code exit} file. Its standard streams are files, never pipes to this JVM, so
 * the container survives the JVM and the driver. The runtime keeps a detached container's state
 * and cgroups after it ends, until {@link #destroy} runs {@code delete}, so the OOM counter can
 * still be read after the exit. Cgroups are v1, with the cgroupfs manager, at
 * {@code <cgroup root>/<node id prefix>/<id>}.
 *
 * <p>A subclass is the DS component: it passes its type, settings and cgroup root, adds the
 * {@code @Deactivate} method that calls {@link #close()}, and may add a check of the host
 * ({@link #hostProblem()}).
 */
public abstract class OciRuntimeDriver extends MonitoredDriver {

    private final String type;
    private final String cgroupRoot;
    private final OciRuntimeOptions options;
    private final ImageStore images;
    private final String nodeId;
    private final Path root;
    private final Path containers;
    private final Path runtime;
    private final boolean withInit;
    private final Monitor monitor;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<Path> searchable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Creates the driver's state directories and installs its monitor.
     *
     * @param type the driver type, also the runtime's name in messages ("runc", "crun")
     * @param cgroupRoot the first level of the containers' cgroups ("/ringfellow"): one per
     *     driver type keeps two drivers' containers apart on one host
     * @param options the settings
     * @param images the node's image store
     * @param nodeId the hex id of the owning node
     * @throws IllegalStateException if the state directories cannot be created
     */
    protected OciRuntimeDriver(String type, String cgroupRoot, OciRuntimeOptions options, ImageStore images,
            String nodeId) {
        // an exit is usually seen within milliseconds of a stop: 2,000 polls of 100 us, then milliseconds
        super(type, 2000, 100_000);
        if (!cgroupRoot.matches("(/[a-z0-9][a-z0-9_.-]{0,62})+")) {
            throw new IllegalArgumentException("not a cgroup path: '" + cgroupRoot + "'");
        }
        if (nodeId == null || nodeId.isEmpty()) {
            throw new IllegalArgumentException("a node id is needed");
        }
        this.type = type;
        this.cgroupRoot = cgroupRoot;
        this.options = options;
        this.images = images;
        this.nodeId = nodeId;
        this.root = options.stateDir().resolve("root");
        this.containers = options.stateDir().resolve("containers");
        this.runtime = ContainerFiles.resolveBinary(options.binary());
        this.withInit = !options.init().toString().isEmpty() && Files.isExecutable(options.init());
        try {
            Files.createDirectories(root);
            Files.createDirectories(containers);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the " + type + " driver's state in "
                    + options.stateDir(), e);
        }
        this.monitor = Monitor.installIn(options.stateDir().resolve("bin"));
    }

    /**
     * Why this host cannot run the runtime's containers although the runtime and its cgroup
     * controllers are there (for example crun 1.8 on a hybrid host); {@link #fingerprint} then
     * reports {@code UNHEALTHY} with the reason. By default none.
     *
     * @return the reason, or empty
     */
    protected Optional<String> hostProblem() {
        return Optional.empty();
    }

    /**
     * The settings this driver runs with.
     *
     * @return them
     */
    protected final OciRuntimeOptions options() {
        return options;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> caps = EnumSet.of(Capability.EXEC, Capability.STATS, Capability.OOM_DETECTION,
                Capability.CPU_LIMIT, Capability.MEMORY_LIMIT, Capability.PIDS_LIMIT, Capability.READ_ONLY_ROOT,
                Capability.RECOVER);
        if (options.uidBase() > 0) {
            caps.add(Capability.USER_NAMESPACE);
        }
        if (!OciConfig.seccompArchitectures().isEmpty()) {
            caps.add(Capability.SECCOMP);
        }
        return caps;
    }

    @Override
    public Fingerprint fingerprint() {
        Map<String, String> attrs = new HashMap<>();
        attrs.put("stateDir", options.stateDir().toString());
        attrs.put("init", withInit ? options.init().toString() : "none");
        attrs.put("userns", options.uidBase() > 0 ? options.uidBase() + ":" + OciRuntimeOptions.ID_RANGE : "off");
        if (!Files.isExecutable(runtime)) {
            return new Fingerprint(Health.UNDETECTED, "", type + " not found (" + options.binary()
                    + "); install it with apt-get install " + type, attrs);
        }
        attrs.put(type, runtime.toString());
        String version = "";
        try {
            Commands.Result r = Commands.run(List.of(runtime.toString(), "--version"), Duration.ofSeconds(10));
            if (!r.ok()) {
                return new Fingerprint(Health.UNHEALTHY, "", type + " --version failed: " + r.output(), attrs);
            }
            String first = r.output().lines().findFirst().orElse("");
            version = first.replaceFirst("^" + type + " version\\s*", "");
        } catch (IOException e) {
            return new Fingerprint(Health.UNHEALTHY, "", "cannot run " + type + ": " + e.getMessage(), attrs);
        }
        String mode = CgroupsV1.unifiedOnly() ? "v2"
                : Files.isDirectory(Path.of("/sys/fs/cgroup/unified")) ? "v1 (hybrid)" : "v1";
        attrs.put("cgroup", mode + ", cgroupfs");
        if (!mode.equals("v2")) {
            List<String> missing = CgroupsV1.missingControllers();
            if (!missing.isEmpty()) {
                return new Fingerprint(Health.UNHEALTHY, version, "cgroup controllers not mounted: " + missing
                        + " (" + type + " finds them in /proc/self/mountinfo; a node started under ip netns exec has a fresh"
                        + " /sys without the cgroup mounts: start it with nsenter --net, or mount them)", attrs);
            }
        } else {
            return new Fingerprint(Health.UNHEALTHY, version, "cgroup v2 is not supported by this driver yet", attrs);
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return new Fingerprint(Health.UNHEALTHY, version, "the node must run as root to use " + type
                    + " with cgroups", attrs);
        }
        Optional<String> problem = hostProblem();
        if (problem.isPresent()) {
            return new Fingerprint(Health.UNHEALTHY, version, problem.get(), attrs);
        }
        attrs.put("monitor", monitor.program().toString());
        if (monitor.problem().isPresent()) {
            return new Fingerprint(Health.UNHEALTHY, version, monitor.problem().get(), attrs);
        }
        return new Fingerprint(Health.HEALTHY, version, "", attrs);
    }

    @Override
    public ContainerHandle start(ContainerSpec spec) throws DriverException {
        if (spec.network() != NetworkMode.NONE) {
            throw new DriverException(Kind.INVALID_SPEC, "the " + type + " driver gives containers no network; "
                    + "use network none (asked: " + spec.network() + ")");
        }
        for (Mount m : spec.mounts()) {
            if (m.type() == Mount.Type.BIND && !Files.exists(Path.of(m.source()))) {
                throw new DriverException(Kind.INVALID_SPEC, "bind mount source does not exist: " + m.source());
            }
        }
        Path rootfs;
        try {
            rootfs = images.rootfs(spec.image());
        } catch (DriverException e) {
            throw new DriverException(Kind.INVALID_SPEC, "image " + spec.image() + " is not in the node's image store",
                    e);
        }
        if (options.uidBase() > 0) {
            traversable(rootfs);
        }
        for (Mount m : spec.mounts()) {
            // in a user namespace the runtime cannot create mount points in the host-owned image
            Path target = ContainerFiles.inRoot(rootfs, m.target());
            if (!Files.isDirectory(target) && !Files.exists(target)) {
                throw new DriverException(Kind.INVALID_SPEC, "mount target " + m.target()
                        + " does not exist in the image; choose an existing directory such as /tmp");
            }
        }
        ContainerFiles.checkCommand(rootfs, spec);
        monitor.requireUsable();
        Path dir = containers.resolve(spec.name());
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new DriverException(Kind.INVALID_SPEC, "a " + type + " container named " + spec.name() + " already exists");
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot create the bundle of " + spec.name() + ": " + e.getMessage(),
                    e);
        }
        try {
            return launch(spec, dir, rootfs);
        } catch (DriverException | RuntimeException e) {
            cleanup(spec.name(), dir);
            throw e;
        }
    }

    private ContainerHandle launch(ContainerSpec spec, Path dir, Path imageRoot) throws DriverException {
        String id = spec.name();
        try {
            Path rootfs = imageRoot;
            if (!spec.readOnlyRoot()) {
                rootfs = overlay(dir, imageRoot);
            }
            ContainerFiles.writeAtomically(dir.resolve("config.json"), json.writeValueAsBytes(
                    OciConfig.build(json, spec, rootfs, cgroupsPath(id), nodeId, options, withInit)));
            Path log = Files.createFile(dir.resolve("log"));
            Path pidFile = dir.resolve("pid");
            Process shim = monitor.start(dir, log, Optional.of(pidFile), List.of(runtime.toString(), "--root",
                    root.toString(), "--log", dir.resolve(type + ".log").toString(), "run", "--detach", "--bundle",
                    dir.toString(), "--pid-file", pidFile.toString(), id));
            // the monitor says when "run --detach" has returned (the workload runs, the pid file is
            // written): a blocking read, as a shell waits for the runtime, no polling
            long t0 = System.nanoTime();
            OptionalInt code = Monitor.started(shim, Duration.ofMillis(options.startTimeoutMillis()));
            if (code.isEmpty() && System.nanoTime() - t0 >= options.startTimeoutMillis() * 1_000_000) {
                throw new DriverException(Kind.FAILED, type + " did not start " + id + " within "
                        + options.startTimeoutMillis() + " ms");
            }
            if (code.isEmpty() || code.getAsInt() != 0 || !Files.exists(pidFile)) {
                throw new DriverException(Kind.FAILED, type + " could not start " + id + ": " + startError(dir));
            }
            Map<String, String> state = new HashMap<>();
            state.put("bundle", dir.toString());
            state.put("pid", Files.readString(pidFile).trim());
            return new ContainerHandle(id, type, Instant.now(), state);
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot start " + id + ": " + e.getMessage(), e);
        }
    }

    private String startError(Path dir) {
        StringBuilder sb = new StringBuilder();
        try {
            for (String line : Files.readAllLines(dir.resolve(type + ".log"))) {
                try {
                    JsonNode n = json.readTree(line);
                    if ("error".equals(n.path("level").asText()) || "fatal".equals(n.path("level").asText())) {
                        sb.append(n.path("msg").asText()).append("; ");
                    }
                } catch (IOException e) {
                    sb.append(line).append("; ");
                }
            }
        } catch (IOException e) {
            // fall back to the output below
        }
        if (sb.length() == 0) {
            try {
                sb.append(Files.readString(dir.resolve("log")).trim());
            } catch (IOException e) {
                sb.append("no error message");
            }
        }
        String s = sb.toString();
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }

    /** A writable root: an overlay on the shared image, its upper layer owned by the container's root. */
    private Path overlay(Path dir, Path imageRoot) throws IOException, DriverException {
        Path upper = Files.createDirectory(dir.resolve("upper"));
        Path work = Files.createDirectory(dir.resolve("work"));
        Path merged = Files.createDirectory(dir.resolve("rootfs"));
        if (options.uidBase() > 0) {
            Files.setAttribute(upper, "unix:uid", options.uidBase());
            Files.setAttribute(upper, "unix:gid", options.uidBase());
        }
        Commands.Result r = Commands.run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + imageRoot
                + ",upperdir=" + upper + ",workdir=" + work, merged.toString()), CMD_TIMEOUT);
        if (!r.ok()) {
            throw new DriverException(Kind.FAILED, "cannot mount the writable root: " + r.output());
        }
        return merged;
    }

    /**
     * The container's root is an unprivileged host uid, which must be able to reach the image
     * directory; data directories are often private (0700), so grant search (not read) permission
     * on the way down.
     */
    private void traversable(Path dir) throws DriverException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (searchable.contains(p)) {
                return;
            }
            try {
                int mode = (Integer) Files.getAttribute(p, "unix:mode");
                if ((mode & 0001) == 0) {
                    Files.setAttribute(p, "unix:mode", (mode & 07777) | 0001);
                }
                searchable.add(p);
            } catch (IOException e) {
                throw new DriverException(Kind.FAILED, "the container's user cannot reach " + dir + ": cannot "
                        + "allow search on " + p + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    protected ExitStatus exitStatus(String id, Path dir, Monitor.Exit exit) {
        return new ExitStatus(exit.code(), exit.signal(), oomKills(id) > 0, exit.finished());
    }

    private long oomKills(String id) {
        return CgroupsV1.oomKills(CgroupsV1.dir("memory", cgroupsPath(id)).resolve("memory.oom_control"));
    }

    /** What "kill" does, without starting the runtime: SIGTERM to the init, if it is still this container's. */
    @Override
    protected void terminate(String id, Path dir) throws InterruptedException {
        awaitSignalsHandled(dir);
        ContainerFiles.signal(pid(dir), pid -> runningPid(id, dir) > 0, false);
    }

    @Override
    protected String kill(String id, Path dir) {
        runtimeQuiet("kill", "--all", id, "KILL");
        return "SIGKILL";
    }

    /**
     * A PID 1 drops signals it neither handles nor blocks, so a SIGTERM sent in the instant
     * between the runtime's exec and tini blocking its signals would be lost and the stop would wait
     * out the whole grace period. tini blocks them before it forks the workload, but with
     * {@code -g} it forwards a signal to the workload's process group, which exists only once
     * the child has called {@code setpgid}; before that the forwarded signal is lost too. So this
     * waits, briefly and boundedly, until tini's child has exec'd the workload (its name is no
     * longer tini's), which it does after {@code setpgid}. (tini's blocked mask itself cannot be
     * read: sigtimedwait clears it while tini waits.) A CPU-limited container on a loaded host
     * can take a good part of a second to get there.
     */
    private void awaitSignalsHandled(Path dir) throws InterruptedException {
        long pid = pid(dir);
        if (!withInit || pid <= 0) {
            return;
        }
        Path initName = Path.of("/proc", Long.toString(pid), "comm");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && !Monitor.exited(dir)) {
            try {
                List<Long> children = ContainerFiles.children(pid);
                if (!children.isEmpty() && !Files.readString(Path.of("/proc", Long.toString(children.get(0)), "comm"))
                        .equals(Files.readString(initName))) {
                    return;
                }
            } catch (IOException e) {
                // the init or its child is gone: nothing to wait for
                return;
            }
            LockSupport.parkNanos(200_000);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** Removes whatever exists of a container: runtime state, overlay mount, bundle, cgroups. */
    @Override
    protected void cleanup(String id, Path dir) {
        runtimeQuiet("delete", "--force", id);
        Path merged = dir.resolve("rootfs");
        if (Files.isDirectory(merged) && isMountPoint(merged)) {
            Commands.runQuiet(List.of("umount", "-l", merged.toString()), CMD_TIMEOUT);
        }
        ContainerFiles.deleteTree(dir);
        // the container's own cgroup, if the runtime has not removed it (its state was lost); the node's parent
        // goes with the node's last container
        CgroupsV1.removeEmpty(cgroupsPath(id), List.of(), ContainerFiles.isEmptyDir(containers) ? 3 : 1);
    }

    /** The init runs if its pid is alive and sits in this container's cgroup (guards against pid reuse). */
    @Override
    protected long runningPid(String id, Path dir) {
        long pid = pid(dir);
        if (pid <= 0) {
            return 0;
        }
        try {
            String cg = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
            return cg.contains(cgroupsPath(id)) ? pid : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The runtime writes the init's pid file when the init runs: a container without one never started. */
    @Override
    protected boolean neverStarted(String id, Path dir) {
        return pid(dir) <= 0;
    }

    private static long pid(Path dir) {
        try {
            return Long.parseLong(Files.readString(dir.resolve("pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Override
    protected String statsCgroup(String id) {
        return cgroupsPath(id);
    }

    @Override
    protected List<String> execCommand(String id, Path execDir, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of(runtime.toString(), "--root", root.toString(), "exec",
                "--pid-file", execDir.resolve("pid").toString(), id));
        cmd.addAll(command);
        return cmd;
    }

    /** SIGKILL to the runtime would orphan the process inside: this kills the process itself. */
    @Override
    protected void killExec(String id, Path execDir, Process engineProcess) {
        long pid = pid(execDir);
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public ContainerHandle recover(ContainerHandle handle) throws DriverException {
        String id = handle.id();
        Path dir = dir(id);
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new DriverException(Kind.NOT_FOUND, type + " container " + id + " is gone");
        }
        Map<String, String> state = new HashMap<>(handle.driverState());
        state.put("bundle", dir.toString());
        long pid = pid(dir);
        if (pid > 0) {
            state.put("pid", Long.toString(pid));
        }
        return new ContainerHandle(id, type, handle.startedAt(), state);
    }

    @Override
    public List<String> listOwned(String ownerNodeId) throws DriverException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(containers)) {
            for (Path dir : (Iterable<Path>) s::iterator) {
                String id = dir.getFileName().toString();
                if (!ContainerFiles.isId(id)) {
                    continue;
                }
                Path config = dir.resolve("config.json");
                if (!Files.exists(config)) {
                    // a bundle whose start never wrote its config: ours, and an orphan
                    out.add(id);
                    continue;
                }
                JsonNode owner = json.readTree(config.toFile()).path("annotations").path(OWNER_LABEL);
                if (ownerNodeId.equals(owner.asText())) {
                    out.add(id);
                }
            }
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot list the " + type + " containers: " + e.getMessage(), e);
        }
        // runtime state without a bundle (crash between the runtime and our bookkeeping) is ours too: the root is this node's
        try (Stream<Path> s = Files.list(root)) {
            s.map(p -> p.getFileName().toString()).filter(ContainerFiles::isId)
                    .filter(id -> !Files.exists(containers.resolve(id))).forEach(out::add);
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot list " + type + "'s state: " + e.getMessage(), e);
        }
        return List.copyOf(out);
    }

    /**
     * The cgroup of a container: one tree per node, so two nodes on one host never collide.
     *
     * @param id the container
     * @return its path below each controller
     */
    protected final String cgroupsPath(String id) {
        return nodeCgroup() + "/" + id;
    }

    private String nodeCgroup() {
        return cgroupRoot + "/" + nodeId.substring(0, Math.min(12, nodeId.length()));
    }

    /**
     * Removes the node's parent cgroups if no container is left in them (containers that outlive
     * the driver keep them); {@code destroy} of the node's last container removes them too.
     */
    public void close() {
        CgroupsV1.removeEmpty(nodeCgroup(), List.of(), 2);
    }

    @Override
    protected Path dir(String id) throws DriverException {
        ContainerFiles.checkId(id);
        return containers.resolve(id);
    }

    private void runtimeQuiet(String... args) {
        List<String> cmd = new ArrayList<>(List.of(runtime.toString(), "--root", root.toString()));
        cmd.addAll(List.of(args));
        Commands.runQuiet(cmd, CMD_TIMEOUT);
    }

    private static boolean isMountPoint(Path p) {
        try {
            String target = " " + p.toRealPath() + " ";
            return Files.readString(Path.of("/proc/self/mountinfo")).contains(target);
        } catch (IOException e) {
            return false;
        }
    }
}
