package org.ringfellow.container.runc.internal;

import org.ringfellow.container.tck.InMemoryNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.node.Resources;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.internal.image.FileImageStore;

/**
 * The manager with the real runc driver: containers outlive their driver and the JVM that
 * started them, and a restarted node reconciles with what runc holds.
 */
class ManagerOnRuncTest {

    @TempDir
    Path dir;
    String nodeId;
    InMemoryNode.Store store;
    InMemoryNode node;
    FileImageStore images;
    String base;
    final List<ContainerManagerImpl> managers = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        nodeId = HexFormat.of().formatHex(id);
        store = new InMemoryNode.Store();
        node = new InMemoryNode(dir, nodeId);
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        assumeTrue(driver().fingerprint().health() == Health.HEALTHY, driver().fingerprint().reason());
        base = images.base().digest();
    }

    @AfterEach
    void cleanUp() throws Exception {
        RuncDriver d = driver();
        for (String id : d.listOwned(nodeId)) {
            d.destroy(new ContainerHandle(id, "runc", java.time.Instant.now(), Map.of()));
        }
        assertTrue(d.listOwned(nodeId).isEmpty());
    }

    private RuncDriver driver() {
        return RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
    }

    private ContainerManagerImpl manager() {
        ContainerManagerImpl m = new ContainerManagerImpl(node, store, images, new ContainerManagerImpl.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ContainerManagerImpl.Config.class;
            }

            @Override
            public String defaultDriver() {
                return "";
            }
        });
        managers.add(m);
        return m;
    }

    private ContainerSpec sleeper(String name) {
        return ContainerSpec.builder(name, base, List.of("sleep", "1000")).build();
    }

    private static Map<String, Object> props() {
        return Map.of(ContainerDriver.TYPE_PROPERTY, "runc");
    }

    private long pid(ContainerManagerImpl m, String id) throws DriverException {
        return driver().inspect(new ContainerHandle(id, "runc", java.time.Instant.now(), Map.of())).pid();
    }

    @Test
    void givenThreeContainers_whenTheDriverGoesAndAFreshOneComes_thenTheSameProcessesRunThroughout()
            throws Exception {
        ContainerManagerImpl m = manager();
        RuncDriver first = driver();
        m.bindDriver(first, props());
        List<Long> pids = new ArrayList<>();
        for (String id : List.of("one", "two", "three")) {
            m.run(sleeper(id));
            pids.add(pid(m, id));
        }
        m.unbindDriver(first, props());
        assertEquals(List.of(ContainerState.DETACHED, ContainerState.DETACHED, ContainerState.DETACHED),
                m.list().stream().map(ContainerInfo::state).toList());
        for (long pid : pids) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " died");
        }
        m.bindDriver(driver(), props());
        assertEquals(List.of(ContainerState.RUNNING, ContainerState.RUNNING, ContainerState.RUNNING),
                m.list().stream().map(ContainerInfo::state).toList());
        assertEquals(pids, List.of(pid(m, "one"), pid(m, "two"), pid(m, "three")));
        m.stop("two", Duration.ofSeconds(5));
        assertEquals(ContainerState.EXITED, m.get("two").orElseThrow().state());
        m.destroy("two");
        assertTrue(m.get("two").isEmpty());
    }

    @Test
    void givenANodeKilledWithKill9_whenItRestarts_thenItAdoptsItsContainersAndRemovesOrphans() throws Exception {
        ContainerManagerImpl before = manager();
        before.bindDriver(driver(), props());
        before.run(sleeper("kept"));
        long keptPid = pid(before, "kept");
        // started by the engine but never recorded: the node died between the two
        ContainerHandle orphan = driver().start(sleeper("orphan"));
        long orphanPid = driver().inspect(orphan).pid();

        ContainerManagerImpl after = manager();
        after.bindDriver(driver(), props());

        assertEquals(List.of("kept"), after.list().stream().map(ContainerInfo::id).toList());
        assertEquals(ContainerState.RUNNING, after.get("kept").orElseThrow().state());
        assertEquals(keptPid, pid(after, "kept"));
        assertEquals(List.of("kept"), driver().listOwned(nodeId));
        ProcessHandle.of(orphanPid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false), "orphan still runs");
    }

    @Test
    void givenASmallContribution_whenStartsWouldExceedIt_thenRefusedAndNothingStarted() throws Exception {
        node.contribute(new Resources(1000, 100L << 20, 0));
        ContainerManagerImpl m = manager();
        m.bindDriver(driver(), props());
        m.run(sleeper("a").toBuilder().limits(new ResourceLimits(250, 64L << 20, 16)).build());
        DriverException e = assertThrows(DriverException.class,
                () -> m.run(sleeper("b").toBuilder().limits(new ResourceLimits(250, 64L << 20, 16)).build()));
        assertEquals(DriverException.Kind.LIMIT_EXCEEDED, e.kind());
        assertEquals(List.of("a"), driver().listOwned(nodeId));
    }

    @Test
    void givenAContainerStartedByAnotherJvm_whenThatJvmIsKilled_thenTheContainerRunsOnAndIsRecovered()
            throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                StartAndHang.class.getName(), dir.toString(), nodeId, base)
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
        Path ready = dir.resolve("started");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(ready), "child did not start a container: " + Files.readString(dir.resolve("child.out")));
        long pid = Long.parseLong(Files.readString(ready).trim());
        child.destroyForcibly().waitFor();

        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "container died with its JVM");
        RuncDriver fresh = driver();
        ContainerHandle h = fresh.recover(new ContainerHandle("from-child", "runc", java.time.Instant.now(), Map.of()));
        assertEquals(ContainerState.RUNNING, fresh.inspect(h).state());
        assertEquals(pid, fresh.inspect(h).pid());
        fresh.stop(h, Duration.ofSeconds(5));
        assertEquals(143, fresh.waitFor(h, Duration.ofSeconds(5)).orElseThrow().exitCode());
    }

    /** Run in a child JVM: starts a container, says its pid, then waits to be killed. */
    public static final class StartAndHang {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            FileImageStore images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
            RuncDriver d = RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, args[1]);
            ContainerHandle h = d.start(ContainerSpec.builder("from-child", args[2], List.of("sleep", "1000")).build());
            Path tmp = dir.resolve("started.tmp");
            Files.writeString(tmp, Long.toString(d.inspect(h).pid()));
            Files.move(tmp, dir.resolve("started"));
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
