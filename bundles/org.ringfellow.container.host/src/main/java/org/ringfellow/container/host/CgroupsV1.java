package org.ringfellow.container.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ringfellow.api.container.ContainerStats;

/** The cgroup v1 hierarchies the drivers put their containers in, and the files they read there. */
public final class CgroupsV1 {

    /** The v1 controllers a container may have a directory in. */
    public static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu", "cpuacct", "cpuset", "devices",
            "freezer", "blkio", "hugetlb", "net_cls", "net_prio", "perf_event", "rdma", "misc", "systemd", "unified");
    private static final Path BASE = Path.of("/sys/fs/cgroup");

    private CgroupsV1() {
    }

    /**
     * The mount of a v1 controller, alone or co-mounted with another (cpu,cpuacct).
     *
     * @param controller the controller
     * @return its directory, if it is mounted
     */
    public static Optional<Path> controllerDir(String controller) {
        Path alone = BASE.resolve(controller);
        if (Files.isDirectory(alone)) {
            return Optional.of(alone);
        }
        for (String combined : List.of("cpu,cpuacct", "cpuacct,cpu", "net_cls,net_prio", "net_prio,net_cls")) {
            Path p = BASE.resolve(combined);
            if (List.of(combined.split(",")).contains(controller) && Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * A cgroup's directory for one controller.
     *
     * @param controller the controller
     * @param cgroupPath the cgroup, from the hierarchy's root ({@code /a/b})
     * @return the directory, whether or not it exists
     */
    public static Path dir(String controller, String cgroupPath) {
        return controllerDir(controller).orElse(BASE.resolve(controller)).resolve(cgroupPath.replaceFirst("^/+", ""));
    }

    /**
     * Whether the cgroup v2 (unified) hierarchy is the host's only one.
     *
     * @return true on a pure cgroup v2 host
     */
    public static boolean unifiedOnly() {
        return Files.exists(BASE.resolve("cgroup.controllers"));
    }

    /** The v1 controllers every driver needs. */
    public static final List<String> NEEDED = List.of("memory", "pids", "cpu", "cpuacct");

    /**
     * The controllers a driver needs that are not mounted: neither a directory under
     * {@code /sys/fs/cgroup} nor a cgroup v1 mount in this process's {@code /proc/self/mountinfo}
     * (which runc reads: a node started under {@code ip netns exec} sees a fresh sysfs with no
     * cgroup mount, and every runc start would fail with "no cgroup mount found in mountinfo").
     *
     * @return memory, pids, cpu, cpuacct where missing
     */
    public static List<String> missingControllers() {
        List<String> mountinfo;
        try {
            mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            mountinfo = List.of();
        }
        List<String> mounted = mountedControllers(mountinfo);
        return NEEDED.stream().filter(c -> controllerDir(c).isEmpty() || !mounted.contains(c)).toList();
    }

    /**
     * The cgroup v1 controllers mounted according to a mountinfo table (proc(5)): the super
     * options of every {@code cgroup} file system, after the {@code " - "} separator, that
     * name one of {@link #CONTROLLERS}.
     *
     * @param mountinfo the lines of a {@code /proc/<pid>/mountinfo}
     * @return the controllers, each once
     */
    public static List<String> mountedControllers(List<String> mountinfo) {
        java.util.Set<String> found = new java.util.LinkedHashSet<>();
        for (String line : mountinfo) {
            int sep = line.indexOf(" - ");
            if (sep < 0) {
                continue;
            }
            String[] f = line.substring(sep + 3).trim().split("\\s+");
            if (f.length < 3 || !f[0].equals("cgroup")) {
                continue;
            }
            for (String option : f[2].split(",")) {
                // the other super options: rw/ro, name=..., release_agent=..., clone_children, ...
                if (CONTROLLERS.contains(option)) {
                    found.add(option);
                }
            }
        }
        return List.copyOf(found);
    }

    /**
     * The number of processes the kernel killed for exceeding a cgroup's memory limit.
     *
     * @param oomControl a {@code memory.oom_control} file, or a copy of one
     * @return the {@code oom_kill} count; 0 if the file is gone
     */
    public static long oomKills(Path oomControl) {
        try {
            for (String line : Files.readAllLines(oomControl)) {
                if (line.startsWith("oom_kill ")) {
                    return Long.parseLong(line.substring(9).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no cgroup left: no evidence of an OOM kill
        }
        return 0;
    }

    /**
     * A container's usage now.
     *
     * @param cgroupPath the cgroup whose processes are the container's
     * @return CPU, memory, memory limit and process count
     * @throws IOException if the cgroup is gone
     */
    public static ContainerStats stats(String cgroupPath) throws IOException {
        try {
            long cpu = read(dir("cpuacct", cgroupPath).resolve("cpuacct.usage"));
            long mem = read(dir("memory", cgroupPath).resolve("memory.usage_in_bytes"));
            long limit = read(dir("memory", cgroupPath).resolve("memory.limit_in_bytes"));
            long pids = read(dir("pids", cgroupPath).resolve("pids.current"));
            return new ContainerStats(cpu, mem, limit, (int) pids, Instant.now());
        } catch (NumberFormatException e) {
            throw new IOException("unreadable cgroup file: " + e.getMessage(), e);
        }
    }

    /**
     * The processes of a cgroup, by host pid.
     *
     * @param cgroupPath the cgroup
     * @return their pids; none if the cgroup is gone
     */
    public static List<Long> procs(String cgroupPath) {
        try {
            return Files.readAllLines(dir("pids", cgroupPath).resolve("cgroup.procs")).stream()
                    .filter(s -> !s.isBlank()).map(s -> Long.parseLong(s.trim())).toList();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    /**
     * The number of processes listed in a {@code cgroup.procs} file, cheaply (one read, no parsing).
     *
     * @param procs the file
     * @return the count; 0 if the file is gone
     */
    public static int count(Path procs) {
        try {
            byte[] b = Files.readAllBytes(procs);
            int n = 0;
            for (byte c : b) {
                if (c == '\n') {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Removes a container's cgroup (with the given empty children) in every controller, then its
     * parents up to {@code levels} while they are empty.
     *
     * @param cgroupPath the container's cgroup
     * @param children names of empty child groups an engine leaves below it
     * @param levels how many directories to remove at most, the container's own included
     */
    public static void removeEmpty(String cgroupPath, List<String> children, int levels) {
        for (String controller : CONTROLLERS) {
            Optional<Path> base = controllerDir(controller);
            if (base.isEmpty()) {
                continue;
            }
            Path own = base.get().resolve(cgroupPath.replaceFirst("^/+", ""));
            for (String child : children) {
                rmdir(own.resolve(child));
            }
            Path p = own;
            for (int i = 0; i < levels && p != null && !p.equals(base.get()); i++, p = p.getParent()) {
                if (!rmdir(p)) {
                    break;
                }
            }
        }
    }

    private static boolean rmdir(Path p) {
        try {
            return Files.deleteIfExists(p) || !Files.exists(p);
        } catch (IOException e) {
            return false;
        }
    }

    private static long read(Path p) throws IOException {
        return Long.parseLong(Files.readString(p).trim());
    }
}
