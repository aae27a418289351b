package org.ringfellow.container.docker.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.ringfellow.api.container.ContainerStats;

/**
 * Reads a local container's cgroup v1 counters through its init's {@code /proc/<pid>/cgroup},
 * wherever the engine put the cgroup. This is instant, whereas the Engine API's one-shot stats
 * wait a second for a second CPU sample.
 */
final class HostCgroups {

    private static final Path BASE = Path.of("/sys/fs/cgroup");

    private HostCgroups() {
    }

    static Optional<ContainerStats> stats(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        Map<String, Path> dirs = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length < 3 || f[1].isEmpty()) {
                    continue;
                }
                for (String controller : f[1].split(",")) {
                    Path mount = BASE.resolve(f[1]);
                    if (!Files.isDirectory(mount)) {
                        mount = BASE.resolve(controller);
                    }
                    dirs.put(controller, mount.resolve(f[2].substring(1)));
                }
            }
            if (!dirs.keySet().containsAll(java.util.List.of("memory", "pids", "cpuacct"))) {
                return Optional.empty();
            }
            long cpu = read(dirs.get("cpuacct").resolve("cpuacct.usage"));
            long mem = read(dirs.get("memory").resolve("memory.usage_in_bytes"));
            long limit = read(dirs.get("memory").resolve("memory.limit_in_bytes"));
            long pids = read(dirs.get("pids").resolve("pids.current"));
            return Optional.of(new ContainerStats(cpu, mem, limit, (int) pids, Instant.now()));
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether an init (tini) has started its child. tini blocks its signals before it forks, so
     * from then on a SIGTERM is certain to reach the workload; its signal mask cannot tell, as it
     * reads empty while tini waits in sigtimedwait.
     */
    static boolean hasChild(long pid) {
        try {
            return !Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"))
                    .isBlank();
        } catch (IOException e) {
            // gone, or not ours to read: nothing to wait for
            return true;
        }
    }

    private static long read(Path p) throws IOException {
        return Long.parseLong(Files.readString(p).trim());
    }
}
