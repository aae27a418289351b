package org.ringfellow.container.runc.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ringfellow.api.container.ContainerStats;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;

/** Reads a container's cgroup v1 files, where runc's cgroupfs manager puts them. */
final class Cgroups {

    private static final Path BASE = Path.of("/sys/fs/cgroup");

    private Cgroups() {
    }

    /** The mount of a v1 controller, alone or co-mounted (cpu,cpuacct). */
    static Optional<Path> controllerDir(String controller) {
        Path alone = BASE.resolve(controller);
        if (Files.isDirectory(alone)) {
            return Optional.of(alone);
        }
        for (String combined : List.of("cpu,cpuacct", "cpuacct,cpu")) {
            Path p = BASE.resolve(combined);
            if (combined.contains(controller) && Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static Path dir(String controller, String cgroupsPath) {
        return controllerDir(controller).orElse(BASE.resolve(controller)).resolve(cgroupsPath.substring(1));
    }

    /** The number of processes the kernel killed in this cgroup for exceeding its memory limit. */
    static long oomKills(String cgroupsPath) {
        try {
            for (String line : Files.readAllLines(dir("memory", cgroupsPath).resolve("memory.oom_control"))) {
                if (line.startsWith("oom_kill ")) {
                    return Long.parseLong(line.substring(9).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no cgroup left: no evidence of an OOM kill
        }
        return 0;
    }

    static ContainerStats stats(String cgroupsPath) throws DriverException {
        try {
            long cpu = read(dir("cpuacct", cgroupsPath).resolve("cpuacct.usage"));
            long mem = read(dir("memory", cgroupsPath).resolve("memory.usage_in_bytes"));
            long limit = read(dir("memory", cgroupsPath).resolve("memory.limit_in_bytes"));
            long pids = read(dir("pids", cgroupsPath).resolve("pids.current"));
            return new ContainerStats(cpu, mem, limit, (int) pids, Instant.now());
        } catch (IOException | NumberFormatException e) {
            throw new DriverException(Kind.FAILED, "cannot read the cgroups of " + cgroupsPath + ": " + e.getMessage(),
                    e);
        }
    }

    private static long read(Path p) throws IOException {
        return Long.parseLong(Files.readString(p).trim());
    }

    /** Removes the node's now-empty parent cgroups; runc removes the container's own. */
    static void removeEmpty(String cgroupsPath) {
        for (String controller : List.of("memory", "pids", "cpu", "cpuacct", "cpuset", "devices", "freezer", "blkio",
                "hugetlb", "net_cls", "net_prio", "perf_event", "rdma", "misc", "systemd", "unified")) {
            Optional<Path> base = controllerDir(controller);
            if (base.isEmpty()) {
                continue;
            }
            Path p = base.get().resolve(cgroupsPath.substring(1));
            // the container's own directory first, then its parents up to (not including) the controller root
            for (int i = 0; i < 3 && p != null && !p.equals(base.get()); i++, p = p.getParent()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    break;
                }
            }
        }
    }
}
