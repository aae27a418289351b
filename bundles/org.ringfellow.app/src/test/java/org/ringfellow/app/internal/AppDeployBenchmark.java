package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
import org.ringfellow.api.app.AppState;
import org.ringfellow.container.docker.internal.DockerDriver;
import org.ringfellow.container.docker.internal.DockerOptions;
import org.ringfellow.container.lxc.internal.LxcDriver;
import org.ringfellow.container.lxc.internal.LxcOptions;

/**
 * Time from {@code deploy} to every member started, per driver and runtime: the {@code upper}
 * example (command runtime) and the test app bundle {@code echo} (bundle runtime) on three engines, each with its own node store, container manager and
 * driver, over the in-JVM fellowship. Rounds alternate between drivers in one run. What is
 * timed is the engine's whole deploy: artifact stored and read, preflight, recruitment,
 * record and artifact fetched by two members, runtime prepared, bridge opened, container
 * started, app connected, every member's RUNNING status seen by the founder.
 *
 * <p>Run as root with the engines up: {@code mvn -o -pl bundles/org.ringfellow.app -am test
 * -Dtest=AppDeployBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dringfellow.bench=true}
 * (optionally {@code -Dringfellow.bench.rounds=10}); read the {@code BENCH} lines.
 */
@EnabledIfSystemProperty(named = "ringfellow.bench", matches = "true")
class AppDeployBenchmark {

    @TempDir
    Path dir;

    @Test
    void deployTimePerDriver() throws Exception {
        int rounds = Integer.getInteger("ringfellow.bench.rounds", 8);
        Map<String, TestNode.DriverFactory> drivers = new LinkedHashMap<>();
        drivers.put("runc", TestNode.RUNC);
        drivers.put("lxc", (images, nodeId, data) -> new LxcDriver(LxcOptions.defaults(data.resolve("lxc")), images,
                nodeId));
        drivers.put("docker", (images, nodeId, data) -> new DockerDriver(DockerOptions.defaults(""), images, nodeId));
        Path jar = upperJar();
        Map<String, List<TestNode>> clusters = new LinkedHashMap<>();
        Map<String, FakeFellowships> nets = new LinkedHashMap<>();
        Map<String, List<Long>> times = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, TestNode.DriverFactory> d : drivers.entrySet()) {
                FakeFellowships net = new FakeFellowships();
                List<TestNode> nodes = new ArrayList<>();
                try {
                    for (int i = 0; i < 3; i++) {
                        nodes.add(new TestNode(dir.resolve(d.getKey()), net, d.getKey() + i, d.getValue()));
                    }
                } catch (TestAbortedException e) {
                    System.out.println("BENCH deploy " + d.getKey() + ": skipped, engine not healthy: "
                            + e.getMessage());
                    nodes.forEach(n -> n.engine.close());
                    net.close();
                    continue;
                }
                nets.put(d.getKey(), net);
                clusters.put(d.getKey(), nodes);
                times.put(d.getKey(), new ArrayList<>());
            }
            assertTrue(clusters.containsKey("runc"), "runc must be available");
            List<String> order = new ArrayList<>(clusters.keySet());
            Map<String, Path> apps = new LinkedHashMap<>();
            apps.put("upper", jar);
            apps.put("echo", testApp());
            for (String k : List.copyOf(times.keySet())) {
                times.remove(k);
                for (String app : apps.keySet()) {
                    times.put(k + " " + app, new ArrayList<>());
                }
            }
            for (int r = -2; r < rounds; r++) {
                for (int k = 0; k < order.size(); k++) {
                    String driver = order.get((k + Math.max(r, 0)) % order.size());
                    List<TestNode> nodes = clusters.get(driver);
                    for (Map.Entry<String, Path> app : apps.entrySet()) {
                        long t0 = System.nanoTime();
                        long[] started = new long[1];
                        var status = nodes.get(0).engine.deploy(app.getValue().toUri(), l -> {
                            if (l.startsWith("All ") && started[0] == 0) {
                                started[0] = System.nanoTime();
                            }
                        });
                        // until every member started (the engine's settle check after that is not counted)
                        long elapsed = started[0] - t0;
                        assertTrue(started[0] != 0, "the engine says when every member started");
                        assertEquals(AppState.RUNNING, status.state());
                        status.members().forEach(m -> assertEquals(driver, m.driver()));
                        if (r == rounds - 1) {
                            for (TestNode n : nodes) {
                                for (var c : n.manager.list()) {
                                    System.out.printf("BENCH memory %s %s: %.1f MiB%n", driver, app.getKey(),
                                            n.manager.stats(c.id()).memoryBytes() / 1048576.0);
                                }
                            }
                        }
                        nodes.get(0).engine.undeploy(app.getKey());
                        for (TestNode n : nodes) {
                            AppEngineOnRuncTest.await(n.name + " clean", () -> n.manager.list().isEmpty()
                                    && n.engine.status(app.getKey()).isEmpty());
                        }
                        if (r >= 0) {
                            times.get(driver + " " + app.getKey()).add(elapsed / 1_000_000);
                        }
                    }
                }
            }
        } finally {
            for (List<TestNode> nodes : clusters.values()) {
                for (TestNode n : nodes) {
                    n.engine.close();
                    n.destroyOwnedContainers();
                }
            }
            nets.values().forEach(FakeFellowships::close);
        }
        for (Map.Entry<String, List<Long>> e : times.entrySet()) {
            List<Long> t = new ArrayList<>(e.getValue());
            t.sort(null);
            System.out.printf("BENCH deploy %s: %d rounds, 3 members, median %d ms, p90 %d ms, min %d ms, max %d ms%n",
                    e.getKey(), t.size(), t.get(t.size() / 2), t.get((int) Math.ceil(t.size() * 0.9) - 1), t.get(0),
                    t.get(t.size() - 1));
        }
    }

    /** The small bundle app (bundle runtime), built by its own module before this one. */
    static Path testApp() throws Exception {
        Path target = Path.of("..", "org.ringfellow.runtime.bundle.testapp", "target");
        try (var s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("org\\.ringfellow\\.runtime\\.bundle\\.testapp-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("build the test app first: " + target));
        }
    }

    private Path upperJar() throws Exception {
        Manifest mf;
        try (var in = Files.newInputStream(AppEngineOnRuncTest.UPPER.resolve("MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        Path jar = dir.resolve("upper.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.putNextEntry(new JarEntry("upper.sh"));
            j.write(Files.readAllBytes(AppEngineOnRuncTest.UPPER.resolve("upper.sh")));
            j.closeEntry();
        }
        return jar;
    }
}
