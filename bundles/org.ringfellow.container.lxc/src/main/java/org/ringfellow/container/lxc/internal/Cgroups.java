package org.ringfellow.container.lxc.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ringfellow.api.container.ContainerStats;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;

/**
 * A container's cgroup v1 directories. The config puts every container of a node under
 * {@code /ringfellow-lxc/<node>/<id>} ({@code lxc.cgroup.dir}); LXC makes the workload's cgroup
 * {@code lxc.payload.<id>} below it.
 */
final class Cgroups {

    static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu", "cpuacct", "cpuset", "devices",
            "freezer", "blkio", "hugetlb", "net_cls", "net_prio", "perf_event", "rdma", "misc", "systemd", "unified");
    private static final Path BASE = Path.of("/sys/fs/cgroup");

    private Cgroups() {
    }

    /** The mount of a v1 controller, alone or co-mounted (cpu,cpuacct). */
    static Optional<Path> controllerDir(String controller) {
        Path alone = BASE.resolve(controller);
        if (Files.isDirectory(alone)) {
            return Optional.of(alone);
        }
        for (String combined : List.of("cpu,cpuacct", "cpuacct,cpu", "net_cls,net_prio")) {
            Path p = BASE.resolve(combined);
            if (List.of(combined.split(",")).contains(controller) && Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The payload (workload) cgroup of a container for a controller. */
    static Path payload(String controller, String dir, String id) {
        return controllerDir(controller).orElse(BASE.resolve(controller)).resolve(dir.substring(1))
                .resolve("lxc.payload." + id);
    }

    static boolean memswAvailable() {
        return controllerDir("memory").map(p -> Files.exists(p.resolve("memory.memsw.limit_in_bytes"))).orElse(false);
    }

    static ContainerStats stats(String dir, String id) throws DriverException {
        try {
            long cpu = read(payload("cpuacct", dir, id).resolve("cpuacct.usage"));
            long mem = read(payload("memory", dir, id).resolve("memory.usage_in_bytes"));
            long limit = read(payload("memory", dir, id).resolve("memory.limit_in_bytes"));
            long pids = read(payload("pids", dir, id).resolve("pids.current"));
            return new ContainerStats(cpu, mem, limit, (int) pids, Instant.now());
        } catch (IOException | NumberFormatException e) {
            throw new DriverException(Kind.FAILED, "cannot read the cgroups of " + id + ": " + e.getMessage(), e);
        }
    }

    /** The processes of the container's payload cgroup, by host pid. */
    static List<Long> procs(String dir, String id) {
        try {
            return Files.readAllLines(payload("pids", dir, id).resolve("cgroup.procs")).stream()
                    .filter(s -> !s.isBlank()).map(s -> Long.parseLong(s.trim())).toList();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    /** The number of processes listed in a cgroup.procs file; 0 if it is gone. */
    static int count(Path procs) {
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

    private static long read(Path p) throws IOException {
        return Long.parseLong(Files.readString(p).trim());
    }

    /**
     * Removes what LXC leaves of a container's cgroups once it has stopped (its
     * {@code lxc.cgroup.dir}, holding LXC's empty helper groups), and the node's parent groups
     * when they are empty.
     */
    static void removeEmpty(String dir, String id) {
        for (String controller : CONTROLLERS) {
            Optional<Path> base = controllerDir(controller);
            if (base.isEmpty()) {
                continue;
            }
            Path own = base.get().resolve(dir.substring(1));
            for (String child : List.of("lxc.payload." + id, "lxc.monitor." + id, "lxc.pivot")) {
                rmdir(own.resolve(child));
            }
            for (Path p = own; p != null && !p.equals(base.get()); p = p.getParent()) {
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
}
