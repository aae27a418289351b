package org.ringfellow.bench.engines;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.bench.common.Timings;
import org.ringfellow.container.docker.internal.DockerDriver;
import org.ringfellow.container.docker.internal.DockerOptions;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.lxc.internal.LxcDriver;
import org.ringfellow.container.lxc.internal.LxcOptions;
import org.ringfellow.container.tck.InMemoryNode;

/**
 * Start-to-running and stop-to-gone through the Docker driver versus the docker CLI, and
 * through the LXC driver versus lxc-start/lxc-stop, alternating driver and CLI in one run with
 * the same container settings. Usage: {@code EnginesBench [iterations] [docker,lxc]}; the Docker
 * part talks to {@code DOCKER_HOST} (scripts/lib/engines.sh exports it), as the CLI does.
 *
 * <p>Both sides wait the same untimed 100 ms between start and stop, so that a SIGTERM is never
 * sent before the container's init has blocked its signals (an init drops it otherwise, and the
 * stop would measure the grace period instead of stopping).
 */
public final class EnginesBench {

    private static final int WARMUP = 3;

    private EnginesBench() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        List<String> engines = List.of((args.length > 1 ? args[1] : "docker,lxc").split(","));
        Path dir = Files.createTempDirectory("rf-bench-engines-");
        String nodeId = InMemoryNode.randomId();
        FileImageStore images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        String base = images.base().digest();
        System.out.println(iterations + " iterations each, driver and CLI alternating, after " + WARMUP
                + " warm-up rounds; times in ms");
        try {
            if (engines.contains("docker")) {
                docker(images, base, nodeId, iterations);
            }
            if (engines.contains("lxc")) {
                lxc(dir, images, base, nodeId, iterations);
            }
        } finally {
            deleteTree(dir);
        }
    }

    // ---- Docker ----

    private static void docker(FileImageStore images, String base, String nodeId, int iterations) throws Exception {
        DockerDriver driver = new DockerDriver(DockerOptions.defaults(""), images, nodeId);
        Fingerprint f = driver.fingerprint();
        if (!f.healthy()) {
            System.out.println("docker: skipped, " + f.reason());
            return;
        }
        String cli = Timings.run("docker", "version", "--format", "{{.Client.Version}}").trim();
        System.out.println("docker: dockerd " + f.version() + " at " + f.attributes().get("endpoint")
                + ", docker CLI " + cli);
        // import the image once; both sides then use the same tag
        driver.destroy(driver.start(ContainerSpec.builder("import", base, List.of("true")).build()));
        String image = DockerDriver.IMAGE_REPO + ":" + base.substring(7);
        ContainerSpec template = ContainerSpec.builder("x", base, List.of("sleep", "1000")).build();
        long[][] t = alternate(iterations, i -> {
            ContainerHandle h;
            long t0 = System.nanoTime();
            h = driver.start(template.toBuilder().name("d" + i).build());
            long t1 = System.nanoTime();
            Thread.sleep(100);
            long t2 = System.nanoTime();
            driver.stop(h, Duration.ofSeconds(10));
            driver.destroy(h);
            long t3 = System.nanoTime();
            return new long[] {t1 - t0, t3 - t2};
        }, i -> {
            String name = "rf-bench-cli-" + nodeId.substring(0, 12) + "-" + i;
            // the driver's settings, spelled as CLI flags
            long t0 = System.nanoTime();
            Timings.run("docker", "run", "-d", "--name", name, "--network", "none", "--read-only", "--cap-drop", "ALL",
                    "--security-opt", "no-new-privileges", "--init", "--user", "65534:65534", "--memory", "64m",
                    "--memory-swap", "64m", "--pids-limit", "64", "--cpu-period", "100000", "--cpu-quota", "25000",
                    "--label", ContainerDriver.OWNER_LABEL + "=" + nodeId, image, "sleep", "1000");
            long t1 = System.nanoTime();
            Thread.sleep(100);
            long t2 = System.nanoTime();
            Timings.run("docker", "stop", "-t", "10", name);
            Timings.run("docker", "rm", name);
            long t3 = System.nanoTime();
            return new long[] {t1 - t0, t3 - t2};
        });
        Timings.compare("docker start-to-running", "driver", "docker run -d", t[0], t[2]);
        Timings.compare("docker stop-to-gone    ", "driver", "docker stop + rm", t[1], t[3]);
        if (!driver.listOwned(nodeId).isEmpty()) {
            System.out.println("docker: containers left behind: " + driver.listOwned(nodeId));
        }
        driver.removeImage(base);
        driver.close();
    }

    // ---- LXC ----

    private static void lxc(Path dir, FileImageStore images, String base, String nodeId, int iterations)
            throws Exception {
        LxcDriver driver = new LxcDriver(LxcOptions.defaults(dir.resolve("lxc")), images, nodeId);
        Fingerprint f = driver.fingerprint();
        if (!f.healthy()) {
            System.out.println("lxc: skipped, " + f.reason());
            return;
        }
        System.out.println("lxc: LXC " + f.version());
        // the bare CLI runs the driver's own config, renamed, in its own lxcpath and cgroup
        ContainerSpec template = ContainerSpec.builder("template", base, List.of("sleep", "1000")).build();
        ContainerHandle th = driver.start(template);
        String config = Files.readString(Path.of(th.driverState().get("dir"), "config"));
        driver.destroy(th);
        Path bare = Files.createDirectories(dir.resolve("bare"));
        String node12 = nodeId.substring(0, 12);
        long[][] t = alternate(iterations, i -> {
            long t0 = System.nanoTime();
            ContainerHandle h = driver.start(template.toBuilder().name("d" + i).build());
            long t1 = System.nanoTime();
            Thread.sleep(100);
            long t2 = System.nanoTime();
            driver.stop(h, Duration.ofSeconds(10));
            driver.destroy(h);
            long t3 = System.nanoTime();
            return new long[] {t1 - t0, t3 - t2};
        }, i -> {
            String name = "b" + i;
            Path cdir = Files.createDirectories(bare.resolve(name));
            Files.writeString(cdir.resolve("config"), config
                    .replace(dir.resolve("lxc/containers/template").toString(), cdir.toString())
                    .replace("ringfellow-lxc/" + node12 + "/template", "ringfellow-lxc-bench/" + node12 + "/" + name)
                    .replace("lxc.uts.name = template", "lxc.uts.name = " + name)
                    .replaceAll("(?m)^lxc\\.hook\\.stop = .*$", ""));
            long t0 = System.nanoTime();
            Timings.run("lxc-start", "-d", "-P", bare.toString(), "-n", name, "--", "sleep", "1000");
            long t1 = System.nanoTime();
            Thread.sleep(100);
            long t2 = System.nanoTime();
            Timings.run("lxc-stop", "-k", "-P", bare.toString(), "-n", name);
            deleteTree(cdir);
            long t3 = System.nanoTime();
            removeCgroups("/ringfellow-lxc-bench/" + node12 + "/" + name, name);
            if (!config.contains("lxc.cgroup.dir = ringfellow-lxc/" + node12 + "/template")) {
                throw new IllegalStateException("the driver's config changed; the bare container would share its cgroup");
            }
            return new long[] {t1 - t0, t3 - t2};
        }, i -> {
            // the driver's own mechanism by hand, stop hook included: lxc-execute under setsid sh,
            // LXC's init as PID 1, running once the workload is its child
            String name = "e" + i;
            Path cdir = Files.createDirectories(bare.resolve(name));
            Files.writeString(cdir.resolve("config"), config
                    .replace(dir.resolve("lxc/containers/template").toString(), cdir.toString())
                    .replace("ringfellow-lxc/" + node12 + "/template", "ringfellow-lxc-bench/" + node12 + "/" + name)
                    .replace("lxc.uts.name = template", "lxc.uts.name = " + name));
            Path procs = Path.of("/sys/fs/cgroup/pids/ringfellow-lxc-bench", node12, name, "lxc.payload." + name,
                    "cgroup.procs");
            long t0 = System.nanoTime();
            new ProcessBuilder("setsid", "sh", "-c", "lxc-execute -q -P \"$1\" -n \"$2\" -- sleep 1000; echo $? > \"$3\"",
                    "sh", bare.toString(), name, cdir.resolve("exit").toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(cdir.resolve("log").toFile()))
                    .redirectErrorStream(true).start();
            while (lines(procs) < 2) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            long t1 = System.nanoTime();
            Thread.sleep(100);
            long t2 = System.nanoTime();
            Timings.run("lxc-stop", "-k", "-P", bare.toString(), "-n", name);
            while (!Files.exists(cdir.resolve("exit")) || Files.size(cdir.resolve("exit")) == 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            deleteTree(cdir);
            long t3 = System.nanoTime();
            removeCgroups("/ringfellow-lxc-bench/" + node12 + "/" + name, name);
            return new long[] {t1 - t0, t3 - t2};
        });
        Timings.compare("lxc start-to-running", "driver", "lxc-start -d", t[0], t[2]);
        Timings.compare("lxc stop-to-gone    ", "driver", "lxc-stop -k + rm", t[1], t[3]);
        Timings.compare("lxc start-to-running", "driver", "lxc-execute by hand", t[0], t[4]);
        Timings.compare("lxc stop-to-gone    ", "driver", "lxc-stop -k, exit, rm", t[1], t[5]);
        if (!driver.listOwned(nodeId).isEmpty()) {
            System.out.println("lxc: containers left behind: " + driver.listOwned(nodeId));
        }
        driver.close();
    }

    private static int lines(Path p) {
        try {
            return (int) Files.readAllLines(p).stream().filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** lxc-stop -k answers before LXC's monitor has removed its cgroups: retry for a while (untimed). */
    private static void removeCgroups(String cgroupDir, String name) throws InterruptedException {
        for (int i = 0; i < 100 && removeCgroupsOnce(cgroupDir, name); i++) {
            Thread.sleep(20);
        }
    }

    /** Returns true if something is left. */
    private static boolean removeCgroupsOnce(String cgroupDir, String name) {
        boolean left = false;
        File[] controllers = new File("/sys/fs/cgroup").listFiles();
        if (controllers == null) {
            return false;
        }
        for (File c : controllers) {
            Path own = c.toPath().resolve(cgroupDir.substring(1));
            for (String child : List.of("lxc.payload." + name, "lxc.monitor." + name, "lxc.pivot")) {
                own.resolve(child).toFile().delete();
            }
            for (Path p = own; p != null && !p.equals(c.toPath()); p = p.getParent()) {
                if (!p.toFile().delete() && Files.exists(p)) {
                    left |= p.equals(own);
                    break;
                }
            }
        }
        return left;
    }

    // ---- measuring ----

    @FunctionalInterface
    private interface Round {
        long[] run(int i) throws Exception;
    }

    /**
     * Runs the rounds in turn, rotating which goes first each iteration; returns, per round,
     * its start series then its stop series.
     */
    private static long[][] alternate(int iterations, Round... rounds) throws Exception {
        long[][] out = new long[rounds.length * 2][iterations];
        for (int i = -WARMUP; i < iterations; i++) {
            int n = i + WARMUP;
            for (int k = 0; k < rounds.length; k++) {
                int r = Math.floorMod(k + i, rounds.length);
                long[] t = rounds[r].run(n);
                if (i >= 0) {
                    out[r * 2][i] = t[0];
                    out[r * 2 + 1][i] = t[1];
                }
            }
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
