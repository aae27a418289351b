package org.ringfellow.bench.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.node.Resources;
import org.ringfellow.bench.common.Timings;
import org.ringfellow.container.crun.internal.CrunDriver;
import org.ringfellow.container.host.oci.OciRuntimeDriver;
import org.ringfellow.container.host.oci.OciRuntimeOptions;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.runc.internal.RuncDriver;
import org.ringfellow.container.runc.internal.RuncOptions;
import org.ringfellow.container.tck.InMemoryNode;

/**
 * Start-to-running and stop-to-gone through the runc (or crun) driver versus the bare runtime's
 * command line, alternating in one run on the same OCI config, then the memory the node holds per
 * running container. Usage: {@code ContainerBench [iterations] [containers-for-memory]}, with
 * {@code -Dengine=crun} for the crun driver against bare crun (default runc).
 */
public final class ContainerBench {

    private ContainerBench() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int memContainers = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("rf-bench-");
        String nodeId = InMemoryNode.randomId();
        FileImageStore images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        OciRuntimeDriver driver = driver(dir, images, nodeId);
        String engine = driver.type();
        String base = images.base().digest();
        Path runc = Path.of(driver.fingerprint().attributes().get(engine));
        System.out.println(engine + " " + driver.fingerprint().version() + " at " + runc + ", " + iterations
                + " iterations each, alternating");

        // the bare CLI runs exactly the driver's config.json, with its own cgroup path
        ContainerHandle template = driver.start(ContainerSpec.builder("template", base, List.of("sleep", "1000"))
                .build());
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(Path.of(template.driverState().get("bundle"), "config.json")
                .toFile());
        driver.destroy(template);
        Path bareRoot = Files.createDirectories(dir.resolve("bare-root"));
        Path bareBundle = Files.createDirectories(dir.resolve("bare-bundle"));
        ((ObjectNode) config.get("linux")).put("cgroupsPath", "/ringfellow-bench/" + nodeId.substring(0, 12) + "/bare");
        json.writeValue(bareBundle.resolve("config.json").toFile(), config);

        long[] driverStart = new long[iterations];
        long[] driverStop = new long[iterations];
        long[] bareStart = new long[iterations];
        long[] bareStop = new long[iterations];
        int warmup = 5;
        for (int i = -warmup; i < iterations; i++) {
            boolean driverFirst = (i & 1) == 0;
            for (int k = 0; k < 2; k++) {
                if ((k == 0) == driverFirst) {
                    long[] t = runDriver(driver, base, "d" + (i + warmup));
                    if (i >= 0) {
                        driverStart[i] = t[0];
                        driverStop[i] = t[1];
                    }
                } else {
                    long[] t = runBare(runc, bareRoot, bareBundle, "b" + (i + warmup));
                    if (i >= 0) {
                        bareStart[i] = t[0];
                        bareStop[i] = t[1];
                    }
                }
            }
        }
        Timings.compare("start-to-running", "driver", "bare " + engine, driverStart, bareStart);
        Timings.compare("stop-to-gone    ", "driver", "bare " + engine, driverStop, bareStop);
        driver.close();

        memory(dir, images, nodeId, base, memContainers);
        deleteTree(dir);
        // runc delete removes the container's cgroups but not the parents the bare runs named
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : (Iterable<Path>) controllers::iterator) {
                Path bench = c.resolve("ringfellow-bench");
                Files.deleteIfExists(bench.resolve(nodeId.substring(0, 12)));
                Files.deleteIfExists(bench);
            }
        } catch (java.io.IOException e) {
            System.err.println("could not remove the benchmark's parent cgroups: " + e);
        }
    }

    /** The driver the {@code engine} system property names: runc (default) or crun. */
    private static OciRuntimeDriver driver(Path dir, FileImageStore images, String nodeId) {
        String engine = System.getProperty("engine", "runc");
        return switch (engine) {
            case "runc" -> RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
            case "crun" -> CrunDriver.create(OciRuntimeOptions.defaults(Path.of("crun"), dir.resolve("crun")), images,
                    nodeId);
            default -> throw new IllegalArgumentException("-Dengine must be runc or crun, got '" + engine + "'");
        };
    }

    private static long[] runDriver(OciRuntimeDriver driver, String base, String name) throws Exception {
        ContainerSpec spec = ContainerSpec.builder(name, base, List.of("sleep", "1000")).build();
        long t0 = System.nanoTime();
        ContainerHandle h = driver.start(spec);
        long t1 = System.nanoTime();
        settle();
        t1 = System.nanoTime();
        driver.stop(h, Duration.ofSeconds(10));
        driver.destroy(h);
        long t2 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1};
    }

    private static long[] runBare(Path runc, Path root, Path bundle, String id) throws Exception {
        Path pidFile = bundle.resolve("pid");
        Files.deleteIfExists(pidFile);
        File log = bundle.resolve("log").toFile();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(runc.toString(), "--root", root.toString(), "run", "--detach", "--bundle",
                bundle.toString(), "--pid-file", pidFile.toString(), id)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).redirectError(ProcessBuilder.Redirect.appendTo(log))
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bare run failed: " + Files.readString(log.toPath()));
        }
        long t1 = System.nanoTime();
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        settle();
        t1 = System.nanoTime();
        Timings.run(runc.toString(), "--root", root.toString(), "kill", id, "TERM");
        long grace = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (alive(pid)) {
            if (System.nanoTime() > grace) {
                Timings.run(runc.toString(), "--root", root.toString(), "kill", id, "KILL");
                grace = Long.MAX_VALUE;
            }
            Thread.sleep(0, 200_000);
        }
        Timings.run(runc.toString(), "--root", root.toString(), "delete", id);
        long t2 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1};
    }

    /**
     * A SIGTERM that reaches the container before its init (tini) has blocked signals is dropped,
     * as for any PID 1 without a handler; both sides wait the same untimed moment so stop
     * measures stopping, not that race.
     */
    private static void settle() throws InterruptedException {
        Thread.sleep(100);
    }

    /** Alive unless gone or a zombie (the detached init is reparented and reaped by someone else). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Heap the manager holds per container, and the host memory of each container's monitor. */
    private static void memory(Path dir, FileImageStore images, String nodeId, String base, int n) throws Exception {
        InMemoryNode.Store store = new InMemoryNode.Store();
        InMemoryNode node = new InMemoryNode(dir, nodeId);
        node.contribute(new Resources(64_000, 64L << 30, 0));
        OciRuntimeDriver driver = driver(dir, images, nodeId);
        ContainerManagerImpl manager = ContainerManagerImpl.create(node, store, images, driver.type());
        manager.bindDriver(driver, Map.of(ContainerDriver.TYPE_PROPERTY, driver.type()));
        long before = usedHeap();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "mem" + i;
            manager.run(ContainerSpec.builder(id, base, List.of("sleep", "1000"))
                    .limits(new org.ringfellow.api.container.ResourceLimits(100, 16L << 20, 8)).build());
            ids.add(id);
        }
        manager.list();
        long after = usedHeap();
        long rss = 0;
        long pss = 0;
        List<String> names = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        for (String id : ids) {
            long init = Long.parseLong(Files.readString(dir.resolve(driver.type() + "/containers").resolve(id).resolve("pid")).trim());
            // every process between the container's init and this JVM is the container's monitor
            for (long p = ppid(init); p > 1 && p != self; p = ppid(p)) {
                rss += memory(p, "Rss:");
                pss += memory(p, "Pss:");
                if (names.size() < 4) {
                    names.add(Files.readString(Path.of("/proc", Long.toString(p), "comm")).trim());
                }
            }
        }
        System.out.printf("memory with %d running containers: node heap %.1f KiB per container (after GC); "
                + "host memory of each container's monitor %s: RSS %.2f MiB, PSS %.2f MiB%n", n,
                (after - before) / 1024.0 / n, names.stream().distinct().toList(), rss / 1024.0 / 1024.0 / n,
                pss / 1024.0 / 1024.0 / n);
        for (String id : ids) {
            manager.destroy(id);
        }
        driver.close();
    }

    private static long ppid(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("PPid:")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        throw new IllegalStateException("no parent of " + pid);
    }

    /** A field of /proc/PID/smaps_rollup, in bytes: RSS counts shared pages in full, PSS by share. */
    private static long memory(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
            }
        }
        return 0;
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }


}
