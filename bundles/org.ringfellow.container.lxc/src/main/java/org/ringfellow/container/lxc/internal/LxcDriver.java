package org.ringfellow.container.lxc.internal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.ringfellow.api.container.Capability;
import org.ringfellow.api.container.ContainerDriver;
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
import org.ringfellow.api.node.NodeService;
import org.ringfellow.container.host.CgroupsV1;
import org.ringfellow.container.host.Commands;
import org.ringfellow.container.host.ContainerFiles;
import org.ringfellow.container.host.Monitor;
import org.ringfellow.container.host.MonitoredDriver;
import org.ringfellow.container.host.SeccompPolicy;

/**
 * The LXC driver. Each container is an LXC application container in the driver's own lxcpath
 * ({@code <state>/containers/<id>}, in the node's data directory): this driver writes its
 * {@code config} itself (no lxc-create, no template) with the image store's root file system,
 * no network ({@code lxc.net.0.type = empty}), all capabilities dropped, no new privileges, an
 * unprivileged user, a read-only root (or an overlay for a writable one) and cgroup limits.
 *
 * <p>{@code lxc-execute} in the foreground under a {@link Monitor} ({@code ringfellow-monitor}, a
 * small static program in a process group of its own) is the container's monitor: LXC's own init
 * ({@code init.lxc.static}) is PID 1 and passes the workload's exit code up to lxc-execute, whose
 * exit code the monitor writes to the {@code exit} file. {@code lxc-start -d} would lose that
 * code, and its console pty would turn the output's newlines into CR LF. The container's
 * standard streams are files, never pipes to this JVM, so the container survives the driver, its
 * bundle and the JVM. A stop hook records the cgroup's OOM kill counter before LXC removes the
 * cgroup.
 *
 * <p>A start ends by writing the {@code started} marker into the container's directory, once the
 * workload runs; until then the starting thread holds a lock on its {@code start.lock}. A new
 * instance of the driver (the node restarted, the bundle updated) destroys, before anything
 * else, every directory of its lxcpath without the marker whose lock nobody holds: a start cut
 * by the node's death, whose directory would otherwise take the container's name for good.
 */
@Component(service = ContainerDriver.class, configurationPid = LxcDriver.PID,
        property = ContainerDriver.TYPE_PROPERTY + "=" + LxcDriver.TYPE)
@Designate(ocd = LxcDriver.Config.class)
public final class LxcDriver extends MonitoredDriver {

    /** The driver type. */
    public static final String TYPE = "lxc";
    /** The configuration PID. */
    public static final String PID = "org.ringfellow.container.lxc";

    private static final Pattern OWNER = Pattern.compile("(?m)^# " + Pattern.quote(OWNER_LABEL) + " = ([0-9a-f]+)$");
    private static final String DEFAULT_PATH = ContainerFiles.DEFAULT_PATH;
    /** Written into a container's directory as the last step of a start that succeeded. */
    static final String STARTED = "started";
    /** Locked by the thread that starts the container, from its directory's creation to the marker. */
    static final String START_LOCK = "start.lock";
    private static final Logger LOG = Logger.getLogger(LxcDriver.class.getName());

    /** The driver's configuration. */
    @ObjectClassDefinition(name = "Ringfellow LXC driver", description = "Runs containers with the LXC tools.")
    public @interface Config {
        /**
         * The directory of the lxc-* tools.
         *
         * @return a directory
         */
        @AttributeDefinition(description = "Directory of the lxc-* tools")
        String toolsDir() default "/usr/bin";

        /**
         * The uid containers run as.
         *
         * @return a host uid
         */
        @AttributeDefinition(description = "Host uid the container's processes run as")
        int uid() default 65534;

        /**
         * The gid containers run as.
         *
         * @return a host gid
         */
        @AttributeDefinition(description = "Host gid the container's processes run as")
        int gid() default 65534;
    }

    private final LxcOptions options;
    private final ImageStore images;
    private final String nodeId;
    private final Path lxcpath;
    private final Monitor monitor;

    /**
     * Activates the driver in the node's data directory.
     *
     * @param node the local node
     * @param images the image store
     * @param config the configuration
     */
    @Activate
    public LxcDriver(@Reference NodeService node, @Reference ImageStore images, Config config) {
        this(new LxcOptions(Path.of(config.toolsDir()), config.uid(), config.gid(),
                node.dataDirectory().resolve("drivers").resolve(TYPE), 30_000), images, node.identity().id().hex());
    }

    /**
     * Creates a driver outside OSGi (tests, benchmarks).
     *
     * @param options the settings
     * @param images the image store
     * @param nodeId the hex id of the owning node
     */
    public LxcDriver(LxcOptions options, ImageStore images, String nodeId) {
        // each poll of an exit competes with LXC for the CPU: 400 polls of 200 us, then milliseconds
        super(TYPE, 400, 200_000);
        this.options = options;
        this.images = images;
        this.nodeId = nodeId;
        this.lxcpath = options.stateDir().resolve("containers");
        try {
            Files.createDirectories(lxcpath);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the LXC driver's state in " + options.stateDir(), e);
        }
        this.monitor = Monitor.installIn(options.stateDir().resolve("bin"));
        removeUnfinished();
    }

    /**
     * Destroys the containers of this node's lxcpath whose start never finished: no
     * {@code started} marker (nor a {@code pid} file, which a start of an older version wrote
     * once the workload ran), a config naming this node or none, and no start under way (its
     * lock is free). The lxcpath is this node's own, inside its data directory.
     */
    private void removeUnfinished() {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(lxcpath)) {
            dirs = s.filter(d -> ContainerFiles.isId(d.getFileName().toString()) && Files.isDirectory(d)).toList();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list the LXC driver's lxcpath " + lxcpath, e);
            return;
        }
        for (Path dir : dirs) {
            String id = dir.getFileName().toString();
            if (finished(dir) || !ownedOrUnowned(dir)) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(dir.resolve(START_LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock held = ch.tryLock()) {
                // null: another process is starting it; finished: its start ended meanwhile
                if (held == null || finished(dir)) {
                    continue;
                }
                LOG.warning("removing LXC container " + id + " from " + lxcpath + ": its start never finished "
                        + "(no '" + STARTED + "' marker; the node or its driver stopped during the start)");
                destroy(new ContainerHandle(id, TYPE, Instant.now(), Map.of()));
            } catch (OverlappingFileLockException e) {
                // this JVM is starting it (another instance of this driver)
            } catch (IOException | DriverException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot remove the unfinished LXC container " + id, e);
            }
        }
    }

    private static boolean finished(Path dir) {
        return Files.exists(dir.resolve(STARTED)) || Files.exists(dir.resolve("pid"));
    }

    /** Whether the directory's config names this node as its owner, or there is no config yet. */
    private boolean ownedOrUnowned(Path dir) {
        Path config = dir.resolve("config");
        if (!Files.exists(config)) {
            return true;
        }
        try {
            Matcher m = OWNER.matcher(Files.readString(config));
            return m.find() && m.group(1).equals(nodeId);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> caps = EnumSet.of(Capability.EXEC, Capability.STATS, Capability.OOM_DETECTION,
                Capability.CPU_LIMIT, Capability.MEMORY_LIMIT, Capability.PIDS_LIMIT, Capability.READ_ONLY_ROOT,
                Capability.RECOVER, Capability.SECCOMP);
        if (options.uid() != 0) {
            // no user namespace: the workload runs as this host uid
            caps.add(Capability.USER_NAMESPACE);
        }
        return caps;
    }

    /**
     * The seccomp deny list every container gets (LXC's version 2 format, default allow), the
     * same as the runc driver's: an unprivileged process could otherwise make a user namespace
     * and hold every capability in it. clone3 answers ENOSYS because seccomp cannot read its
     * flags; libc then falls back to clone, whose namespace flags are refused. LXC loads it
     * after it has set the container up, before it starts the init.
     */
    static final String SECCOMP_PROFILE = seccompProfile();

    private static String seccompProfile() {
        StringBuilder p = new StringBuilder("2\ndenylist\n[all]\n");
        for (String n : SeccompPolicy.DENIED) {
            p.append(n).append(" errno ").append(SeccompPolicy.DENIED_ERRNO).append('\n');
        }
        for (long flag : SeccompPolicy.CLONE_NAMESPACE_FLAGS) {
            // [argument index, value, operator, mask]
            p.append("clone errno ").append(SeccompPolicy.DENIED_ERRNO).append(" [0,").append(flag).append(",SCMP_CMP_MASKED_EQ,").append(flag).append("]\n");
        }
        p.append("clone3 errno ").append(SeccompPolicy.CLONE3_ERRNO).append('\n');
        return p.toString();
    }

    @Override
    public Fingerprint fingerprint() {
        Map<String, String> attrs = new HashMap<>();
        attrs.put("lxcpath", lxcpath.toString());
        attrs.put("user", options.uid() + ":" + options.gid());
        Path execute = options.tool("lxc-execute");
        if (!Files.isExecutable(execute)) {
            return new Fingerprint(Health.UNDETECTED, "", "LXC is not installed (no " + execute
                    + "); install it with apt-get install lxc", attrs);
        }
        String version;
        try {
            Commands.Result r = Commands.run(List.of(execute.toString(), "--version"), Duration.ofSeconds(10));
            if (!r.ok()) {
                return new Fingerprint(Health.UNHEALTHY, "", "lxc-execute --version failed: " + r.output(), attrs);
            }
            version = r.output().lines().findFirst().orElse("").trim();
        } catch (IOException e) {
            return new Fingerprint(Health.UNHEALTHY, "", "cannot run lxc-execute: " + e.getMessage(), attrs);
        }
        if (CgroupsV1.unifiedOnly()) {
            return new Fingerprint(Health.UNHEALTHY, version, "cgroup v2 is not supported by this driver yet", attrs);
        }
        List<String> missing = CgroupsV1.missingControllers();
        if (!missing.isEmpty()) {
            return new Fingerprint(Health.UNHEALTHY, version, "cgroup controllers not mounted: " + missing, attrs);
        }
        attrs.put("cgroup", "v1");
        if (!Files.exists(Path.of("/usr/sbin/init.lxc.static")) && !Files.exists(Path.of("/sbin/init.lxc.static"))) {
            return new Fingerprint(Health.UNHEALTHY, version, "init.lxc.static is missing (it comes with the lxc "
                    + "package); lxc-execute needs it as the containers' init", attrs);
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return new Fingerprint(Health.UNHEALTHY, version, "the node must run as root to use LXC with cgroups",
                    attrs);
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
            throw new DriverException(Kind.INVALID_SPEC, "the lxc driver gives containers no network; "
                    + "use network none (asked: " + spec.network() + ")");
        }
        for (Mount m : spec.mounts()) {
            if (m.type() == Mount.Type.BIND && !Files.exists(Path.of(m.source()))) {
                throw new DriverException(Kind.INVALID_SPEC, "bind mount source does not exist: " + m.source());
            }
        }
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            if (e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\r') >= 0) {
                throw new DriverException(Kind.INVALID_SPEC, "the lxc driver cannot pass a line break in environment "
                        + "variable " + e.getKey());
            }
        }
        Path rootfs;
        try {
            rootfs = images.rootfs(spec.image());
        } catch (DriverException e) {
            throw new DriverException(Kind.INVALID_SPEC, "image " + spec.image() + " is not in the node's image store",
                    e);
        }
        for (Mount m : spec.mounts()) {
            // a read-only image cannot get new mount points: a directory is mounted on a directory,
            // a file (the bundle runtime binds single JRE files) on a file
            Path target = ContainerFiles.inRoot(rootfs, m.target());
            boolean fileOnFile = m.type() == Mount.Type.BIND && Files.isRegularFile(Path.of(m.source()))
                    && Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!fileOnFile && !Files.isDirectory(target)) {
                throw new DriverException(Kind.INVALID_SPEC, "mount target " + m.target()
                        + " does not exist in the image; choose an existing directory such as /tmp");
            }
        }
        ContainerFiles.checkCommand(rootfs, spec);
        monitor.requireUsable();
        Path dir = lxcpath.resolve(spec.name());
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new DriverException(Kind.INVALID_SPEC, "an lxc container named " + spec.name() + " already exists");
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot create the directory of " + spec.name() + ": "
                    + e.getMessage(), e);
        }
        // held until the start ends, so that no other instance of the driver takes it for a cut one
        FileChannel lock = null;
        try {
            lock = FileChannel.open(dir.resolve(START_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (lock.tryLock() == null) {
                throw new IOException("another process holds " + dir.resolve(START_LOCK));
            }
        } catch (IOException | OverlappingFileLockException e) {
            // another instance of the driver is removing the directory as unfinished
            closeQuietly(lock);
            cleanup(spec.name(), dir);
            throw new DriverException(Kind.FAILED, "cannot start " + spec.name() + ": its directory was taken "
                    + "away as it was made (" + e + ")", e);
        }
        try {
            return launch(spec, dir, rootfs);
        } catch (DriverException | RuntimeException e) {
            cleanup(spec.name(), dir);
            throw e;
        } finally {
            closeQuietly(lock);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                // releases the start's lock
                channel.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }

    private ContainerHandle launch(ContainerSpec spec, Path dir, Path rootfs) throws DriverException {
        String id = spec.name();
        try {
            ContainerFiles.writeAtomically(dir.resolve("seccomp"), SECCOMP_PROFILE.getBytes(StandardCharsets.UTF_8));
            ContainerFiles.writeAtomically(dir.resolve("config"), config(spec, dir, rootfs)
                    .getBytes(StandardCharsets.UTF_8));
            List<String> cmd = new ArrayList<>(List.of(options.tool("lxc-execute").toString(), "-q", "-P",
                    lxcpath.toString(), "-n", id, "--"));
            cmd.addAll(spec.command());
            monitor.start(dir, dir.resolve("log"), Optional.empty(), cmd);
            long deadline = System.nanoTime() + options.startTimeoutMillis() * 1_000_000;
            int spins = 0;
            // each poll must be cheap: on a busy host it competes with LXC for the CPU
            Path procs = CgroupsV1.dir("pids", payload(id)).resolve("cgroup.procs");
            File exitFile = dir.resolve("exit").toFile();
            while (true) {
                // running means the workload runs: LXC's init and its child are in the payload cgroup
                if (CgroupsV1.count(procs) >= 2) {
                    long pid = findInit(id);
                    if (pid > 0 && !ContainerFiles.children(pid).isEmpty()) {
                        Files.writeString(dir.resolve("pid"), Long.toString(pid));
                        break;
                    }
                }
                if (exitFile.exists()) {
                    // ended already; the stop hook ran if the container ran, LXC's log tells why if not
                    if (!Files.exists(dir.resolve("oom"))) {
                        throw new DriverException(Kind.FAILED, "lxc could not start " + id + ": " + failure(dir));
                    }
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new DriverException(Kind.FAILED, "lxc did not start " + id + " within "
                            + options.startTimeoutMillis() + " ms: " + failure(dir));
                }
                // a container's workload usually runs within a few tens of milliseconds: poll finely
                // first (Thread.sleep rounds up to a whole millisecond)
                if (++spins < 400) {
                    LockSupport.parkNanos(200_000);
                } else {
                    Thread.sleep(10);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            // the last step: from here a new instance of the driver takes it for a container, not a cut start
            ContainerFiles.writeAtomically(dir.resolve(STARTED), (Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot start " + id + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(Kind.FAILED, "interrupted while starting " + id, e);
        }
        Map<String, String> state = new HashMap<>();
        state.put("lxcpath", lxcpath.toString());
        state.put("dir", dir.toString());
        return new ContainerHandle(id, TYPE, Instant.now(), state);
    }

    private static String failure(Path dir) {
        StringBuilder sb = new StringBuilder();
        try {
            for (String line : Files.readAllLines(dir.resolve("lxc.log"))) {
                if (line.contains(" ERROR ")) {
                    sb.append(line.replaceFirst("^.* ERROR\\s+", "")).append("; ");
                }
            }
        } catch (IOException e) {
            // no log: LXC did not even read the config
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

    /** The LXC config of a container; the owner is a comment, which LXC ignores and listOwned reads. */
    private String config(ContainerSpec spec, Path dir, Path rootfs) {
        String id = spec.name();
        StringBuilder c = new StringBuilder();
        c.append("# Written by the Ringfellow LXC driver\n");
        c.append("# ").append(OWNER_LABEL).append(" = ").append(nodeId).append('\n');
        c.append("# org.ringfellow.image = ").append(spec.image()).append('\n');
        c.append("lxc.uts.name = ").append(id).append('\n');
        if (spec.readOnlyRoot()) {
            c.append("lxc.rootfs.path = dir:").append(rootfs).append('\n');
            c.append("lxc.rootfs.options = ro\n");
        } else {
            // LXC mounts the overlay in the container's own mount namespace: nothing on the host to unmount
            c.append("lxc.rootfs.path = overlay:").append(rootfs).append(':').append(dir.resolve("upper"))
                    .append('\n');
        }
        c.append("lxc.net.0.type = empty\n");
        c.append("lxc.cap.keep = none\n");
        c.append("lxc.no_new_privs = 1\n");
        c.append("lxc.seccomp.profile = ").append(dir.resolve("seccomp")).append('\n');
        c.append("lxc.init.uid = ").append(options.uid()).append('\n');
        c.append("lxc.init.gid = ").append(options.gid()).append('\n');
        c.append("lxc.init.cwd = ").append(spec.workingDir()).append('\n');
        c.append("lxc.mount.auto = proc:mixed sys:ro\n");
        c.append("lxc.autodev = 1\n");
        c.append("lxc.console.path = none\n");
        c.append("lxc.tty.max = 0\n");
        c.append("lxc.log.file = ").append(dir.resolve("lxc.log")).append('\n');
        c.append("lxc.log.level = WARN\n");
        // LXC runs a hook as sh -c "<hook> <name> lxc stop": a shell command whose arguments end in
        // a no-op; it keeps the OOM kill counter before LXC removes the cgroup, and is read only once
        // the exit file exists, after the hook has run
        c.append("lxc.hook.stop = cat ").append(shellQuote(CgroupsV1.dir("memory", payload(id))
                .resolve("memory.oom_control").toString())).append(" > ").append(shellQuote(dir.resolve("oom")
                .toString())).append(" 2>/dev/null; :\n");
        c.append("lxc.cgroup.dir = ").append(cgroupDir(id).substring(1)).append('\n');
        long mem = spec.limits().memoryBytes();
        c.append("lxc.cgroup.memory.limit_in_bytes = ").append(mem).append('\n');
        if (CgroupsV1.controllerDir("memory").map(p -> Files.exists(p.resolve("memory.memsw.limit_in_bytes")))
                .orElse(false)) {
            c.append("lxc.cgroup.memory.memsw.limit_in_bytes = ").append(mem).append('\n');
        }
        c.append("lxc.cgroup.pids.max = ").append(spec.limits().pids()).append('\n');
        if (spec.limits().milliCpus() > 0) {
            c.append("lxc.cgroup.cpu.cfs_period_us = 100000\n");
            c.append("lxc.cgroup.cpu.cfs_quota_us = ").append(spec.limits().milliCpus() * 100).append('\n');
        }
        c.append("lxc.cgroup.devices.deny = a\n");
        for (String dev : List.of("c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm",
                "c 5:2 rwm", "c 136:* rwm")) {
            c.append("lxc.cgroup.devices.allow = ").append(dev).append('\n');
        }
        for (Mount m : spec.mounts()) {
            String target = m.target().replaceAll("^/+", "");
            if (m.type() == Mount.Type.BIND) {
                c.append("lxc.mount.entry = ").append(m.source()).append(' ').append(target).append(" none bind")
                        .append(m.readOnly() ? ",ro" : "").append(" 0 0\n");
            } else {
                c.append("lxc.mount.entry = tmpfs ").append(target).append(" tmpfs rw,nosuid,nodev,size=")
                        .append(m.sizeBytes()).append(",mode=1777 0 0\n");
            }
        }
        Map<String, String> env = new HashMap<>(spec.env());
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.forEach((k, v) -> c.append("lxc.environment = ").append(k).append('=').append(v).append('\n'));
        return c.toString();
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * The host pid of the container's init: the process of its payload cgroup that is PID 1 in
     * the container's pid namespace.
     */
    private long findInit(String id) {
        for (long pid : CgroupsV1.procs(payload(id))) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("NSpid:")) {
                        String[] f = line.substring(6).trim().split("\\s+");
                        if (f.length > 1 && f[f.length - 1].equals("1")) {
                            return pid;
                        }
                        break;
                    }
                }
            } catch (IOException e) {
                // exited meanwhile
            }
        }
        return 0;
    }

    /** The init's pid while it runs: the recorded pid if it still sits in the container's cgroup. */
    @Override
    protected long runningPid(String id, Path dir) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(dir.resolve("pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return findInit(id);
        }
        try {
            String cg = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
            return cg.contains(cgroupDir(id) + "/lxc.payload." + id) ? pid : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    protected ExitStatus exitStatus(String id, Path dir, Monitor.Exit exit) {
        // lxc-execute reports 1 for an init killed by lxc-stop -k
        Monitor.Exit x = exit.code() == 1 && Files.exists(dir.resolve("killed"))
                ? new Monitor.Exit(128 + 9, exit.finished()) : exit;
        return new ExitStatus(x.code(), x.signal(), oomKills(dir) > 0, x.finished());
    }

    private static long oomKills(Path dir) {
        try {
            Matcher m = Pattern.compile("(?m)^oom_kill (\\d+)$").matcher(Files.readString(dir.resolve("oom")));
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** An init the recorded pid misses (a start that did not get as far as writing it) may run too. */
    @Override
    protected boolean mayRun(String id, Path dir) {
        return runningPid(id, dir) > 0 || findInit(id) > 0;
    }

    /**
     * Sends SIGTERM to the init's children, waiting briefly for the init to have started its
     * child. LXC's init answers lxc-stop's SIGPWR with SIGTERM and SIGKILLs everything one second
     * later, whatever the grace; so SIGTERM goes to the workload itself, and lxc-stop -k only
     * comes after the spec's grace period.
     */
    @Override
    protected void terminate(String id, Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            long init = runningPid(id, dir);
            if (init <= 0) {
                return;
            }
            List<Long> children = ContainerFiles.children(init);
            if (!children.isEmpty()) {
                for (long child : children) {
                    // SIGTERM, as ProcessHandle.destroy sends it
                    ProcessHandle.of(child).ifPresent(ProcessHandle::destroy);
                }
                return;
            }
            Thread.sleep(1);
        }
    }

    private static List<Long> descendants(long pid) {
        List<Long> out = new ArrayList<>();
        List<Long> todo = new ArrayList<>(ContainerFiles.children(pid));
        while (!todo.isEmpty() && out.size() < 4096) {
            long p = todo.remove(todo.size() - 1);
            out.add(p);
            todo.addAll(ContainerFiles.children(p));
        }
        return out;
    }

    /**
     * lxc-stop -k. lxc-execute reports 1 for an init killed that way; the marker written first
     * lets the exit status say what happened: killed by SIGKILL, 137.
     */
    @Override
    protected String kill(String id, Path dir) {
        try {
            Files.writeString(dir.resolve("killed"), "SIGKILL after the grace period\n");
        } catch (IOException e) {
            // the exit code then stays lxc-execute's
        }
        lxcStop(id);
        return "lxc-stop -k";
    }

    private void lxcStop(String id) {
        Commands.runQuiet(List.of(options.tool("lxc-stop").toString(), "-P", lxcpath.toString(), "-n", id, "-k"),
                CMD_TIMEOUT);
    }

    @Override
    protected void cleanup(String id, Path dir) {
        if (findInit(id) > 0) {
            lxcStop(id);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (findInit(id) > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        ContainerFiles.deleteTree(dir);
        // what LXC leaves of the container's cgroups (its empty helper groups) and the container's own
        // group; the node's parent goes with the node's last container
        CgroupsV1.removeEmpty(cgroupDir(id), List.of("lxc.payload." + id, "lxc.monitor." + id, "lxc.pivot"),
                ContainerFiles.isEmptyDir(lxcpath) ? 3 : 1);
    }

    @Override
    protected String statsCgroup(String id) {
        return payload(id);
    }

    /** lxc-attach with the workload's environment and user; lxc.environment from the config applies too. */
    @Override
    protected List<String> execCommand(String id, Path execDir, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of(options.tool("lxc-attach").toString(), "-q", "-P",
                lxcpath.toString(), "-n", id, "--clear-env", "-u", Integer.toString(options.uid()), "-g",
                Integer.toString(options.gid()), "-v", "PATH=" + DEFAULT_PATH, "--"));
        cmd.addAll(command);
        return cmd;
    }

    /**
     * Killing lxc-attach would orphan the command inside: this kills what it started there, its
     * descendants in the container's cgroup.
     */
    @Override
    protected void killExec(String id, Path execDir, Process engineProcess) {
        List<Long> inside = CgroupsV1.procs(payload(id));
        for (long pid : descendants(engineProcess.pid())) {
            if (inside.contains(pid)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Override
    public ContainerHandle recover(ContainerHandle handle) throws DriverException {
        String id = handle.id();
        Path dir = dir(id);
        if (!Files.isRegularFile(dir.resolve("config"))) {
            throw new DriverException(Kind.NOT_FOUND, "lxc container " + id + " is gone");
        }
        Map<String, String> state = new HashMap<>(handle.driverState());
        state.put("lxcpath", lxcpath.toString());
        state.put("dir", dir.toString());
        return new ContainerHandle(id, TYPE, handle.startedAt(), state);
    }

    @Override
    public List<String> listOwned(String ownerNodeId) throws DriverException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(lxcpath)) {
            for (Path dir : (Iterable<Path>) s::iterator) {
                String id = dir.getFileName().toString();
                if (!ContainerFiles.isId(id) || !Files.isDirectory(dir)) {
                    continue;
                }
                Path config = dir.resolve("config");
                if (!Files.exists(config)) {
                    // a directory whose start never wrote its config: ours (the lxcpath is this node's), an orphan
                    out.add(id);
                    continue;
                }
                Matcher m = OWNER.matcher(Files.readString(config));
                if (m.find() && m.group(1).equals(ownerNodeId)) {
                    out.add(id);
                }
            }
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot list the lxc containers: " + e.getMessage(), e);
        }
        return List.copyOf(out);
    }

    /** The container's cgroup: one tree per node, so two nodes on one host never collide. */
    String cgroupDir(String id) {
        return nodeCgroup() + "/" + id;
    }

    private String nodeCgroup() {
        return "/ringfellow-lxc/" + nodeId.substring(0, Math.min(12, nodeId.length()));
    }

    /** The cgroup LXC puts the container's processes in, below {@link #cgroupDir}. */
    private String payload(String id) {
        return cgroupDir(id) + "/lxc.payload." + id;
    }

    /**
     * Removes the node's parent cgroups if no container is left in them (containers that outlive
     * the driver keep them); {@code destroy} of the node's last container removes them too.
     */
    @Deactivate
    public void close() {
        CgroupsV1.removeEmpty(nodeCgroup(), List.of(), 2);
    }

    @Override
    protected Path dir(String id) throws DriverException {
        ContainerFiles.checkId(id);
        return lxcpath.resolve(id);
    }
}
