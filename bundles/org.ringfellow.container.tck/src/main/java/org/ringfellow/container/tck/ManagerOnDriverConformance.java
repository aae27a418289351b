package org.ringfellow.container.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;

/**
 * The node's container manager over a real driver: containers outlive their driver and the JVM
 * that started them, a node killed with {@code kill -9} reconciles with what the engine holds
 * (a start the kill cut is destroyed, never adopted), and the node's contribution bounds what
 * starts. Extend it in a driver's tests, next to
 * {@link ContainerDriverConformance}; the manager itself comes from the subclass (the kit does
 * not depend on the manager's bundle).
 */
public abstract class ManagerOnDriverConformance {

    /** The test's directory: the node's data directory, the image store's and the driver's state. */
    @TempDir
    protected Path dir;
    /** The node's id, random for each test. */
    protected String nodeId;
    /** The node's durable store, in memory. */
    protected InMemoryNode.Store store;
    /** The node. */
    protected InMemoryNode node;
    /** The node's image store. */
    protected ImageStore images;
    /** The digest of the image store's base image. */
    protected String base;

    /**
     * The node's container manager as the test drives it: the manager and how a driver service
     * arrives and leaves (the whiteboard's bind and unbind).
     *
     * @param containers the manager
     * @param bind a driver service arrives with its properties
     * @param unbind a driver service leaves
     */
    public record Manager(ContainerManager containers, BiConsumer<ContainerDriver, Map<String, Object>> bind,
            BiConsumer<ContainerDriver, Map<String, Object>> unbind) {
    }

    /**
     * The driver's type.
     *
     * @return e.g. {@code runc}
     */
    protected abstract String type();

    /**
     * A new instance of the driver on the state kept in a directory, as a node makes one after
     * the driver's bundle was updated. Called in a child JVM too, on an instance made with the
     * subclass's no-argument constructor.
     *
     * @param dir the node's data directory
     * @param images the node's image store
     * @param nodeId the node's id
     * @return the driver
     */
    protected abstract ContainerDriver newDriver(Path dir, ImageStore images, String nodeId);

    /**
     * The node's image store in a directory, with its base image.
     *
     * @param dir the node's data directory
     * @return the image store
     */
    protected abstract ImageStore newImageStore(Path dir);

    /**
     * A fresh container manager of the node, as after the node's (re)start.
     *
     * @param node the node
     * @param store its durable store
     * @param images its image store
     * @return the manager
     */
    protected abstract Manager newManager(InMemoryNode node, NodeStore store, ImageStore images);

    /**
     * Releases what a driver instance holds beyond containers once a test is done (an imported
     * image, a connection, the node's parent cgroups). Nothing by default.
     *
     * @param driver a driver of this test
     * @throws Exception if that fails
     */
    protected void release(ContainerDriver driver) throws Exception {
    }

    @BeforeEach
    void setUpNode() throws Exception {
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        nodeId = HexFormat.of().formatHex(id);
        store = new InMemoryNode.Store();
        node = new InMemoryNode(dir, nodeId);
        images = newImageStore(dir);
        Engines.require(type(), driver().fingerprint());
        base = images.base().digest();
    }

    @AfterEach
    void removeContainers() throws Exception {
        if (images == null || base == null) {
            return;
        }
        ContainerDriver d = driver();
        try {
            for (String id : d.listOwned(nodeId)) {
                d.destroy(handle(id));
            }
            assertTrue(d.listOwned(nodeId).isEmpty());
        } finally {
            release(d);
        }
    }

    private ContainerDriver driver() {
        return newDriver(dir, images, nodeId);
    }

    private ContainerHandle handle(String id) {
        return new ContainerHandle(id, type(), Instant.now(), Map.of());
    }

    private ContainerSpec sleeper(String name) {
        return ContainerSpec.builder(name, base, List.of("sleep", "1000")).build();
    }

    private Map<String, Object> props() {
        return Map.of(ContainerDriver.TYPE_PROPERTY, type());
    }

    private long pid(String id) throws DriverException {
        return driver().inspect(handle(id)).pid();
    }

    @Test
    void givenThreeContainers_whenTheDriverGoesAndAFreshOneComes_thenTheSameProcessesRunThroughout()
            throws Exception {
        Manager m = newManager(node, store, images);
        ContainerDriver first = driver();
        m.bind().accept(first, props());
        List<Long> pids = new ArrayList<>();
        for (String id : List.of("one", "two", "three")) {
            m.containers().run(sleeper(id));
            pids.add(pid(id));
        }
        m.unbind().accept(first, props());
        assertEquals(List.of(ContainerState.DETACHED, ContainerState.DETACHED, ContainerState.DETACHED),
                m.containers().list().stream().map(ContainerInfo::state).toList());
        for (long pid : pids) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " died");
        }
        m.bind().accept(driver(), props());
        assertEquals(List.of(ContainerState.RUNNING, ContainerState.RUNNING, ContainerState.RUNNING),
                m.containers().list().stream().map(ContainerInfo::state).toList());
        assertEquals(pids, List.of(pid("one"), pid("two"), pid("three")));
        m.containers().stop("two", Duration.ofSeconds(5));
        assertEquals(ContainerState.EXITED, m.containers().get("two").orElseThrow().state());
        m.containers().destroy("two");
        assertTrue(m.containers().get("two").isEmpty());
    }

    @Test
    void givenANodeKilledWithKill9_whenItRestarts_thenItAdoptsItsContainersAndRemovesOrphans() throws Exception {
        Manager before = newManager(node, store, images);
        before.bind().accept(driver(), props());
        before.containers().run(sleeper("kept"));
        long keptPid = pid("kept");
        // started by the engine but never recorded: the node died between the two
        ContainerHandle orphan = driver().start(sleeper("orphan"));
        long orphanPid = driver().inspect(orphan).pid();

        Manager after = newManager(node, store, images);
        after.bind().accept(driver(), props());

        assertEquals(List.of("kept"), after.containers().list().stream().map(ContainerInfo::id).toList());
        assertEquals(ContainerState.RUNNING, after.containers().get("kept").orElseThrow().state());
        assertEquals(keptPid, pid("kept"));
        assertEquals(List.of("kept"), driver().listOwned(nodeId));
        ProcessHandle.of(orphanPid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false), "orphan still runs");
    }

    @Test
    void givenANodeKilledWhileItsDriverStartedAContainer_whenItRestarts_thenTheCutStartIsDestroyedNotAdopted()
            throws Exception {
        // what the node's store holds at a kill during a start: the record "starting"
        Map<String, InMemoryNode.Store> atTheKill = new java.util.HashMap<>();
        ContainerDriver real = driver();
        ContainerDriver dying = (ContainerDriver) Proxy.newProxyInstance(ContainerDriver.class.getClassLoader(),
                new Class<?>[] {ContainerDriver.class}, (proxy, method, args) -> {
                    String name = method.getName().equals("start") ? ((ContainerSpec) args[0]).name() : "";
                    if (name.equals("early")) {
                        // killed before the engine made anything
                        atTheKill.put(name, store.copy());
                        throw new DriverException(DriverException.Kind.FAILED, "the node is killed");
                    }
                    try {
                        Object out = method.invoke(real, args);
                        if (name.equals("cut")) {
                            // killed once the engine made and started it, before the driver answered
                            atTheKill.put(name, store.copy());
                        }
                        return out;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Manager before = newManager(node, store, images);
        before.bind().accept(dying, props());
        before.containers().run(sleeper("kept"));
        long keptPid = pid("kept");
        assertThrows(DriverException.class, () -> before.containers().run(sleeper("early")));
        before.containers().run(sleeper("cut"));
        long cutPid = pid("cut");

        Manager cut = newManager(node, atTheKill.get("cut"), images);
        cut.bind().accept(driver(), props());
        assertEquals(List.of("kept"), cut.containers().list().stream().map(ContainerInfo::id).toList(),
                "a start the node did not see end is not adopted");
        assertEquals(keptPid, pid("kept"));
        // whatever the engine made of the cut start is gone: its process, and the container itself
        assertEquals(List.of("kept"), driver().listOwned(nodeId));
        ProcessHandle.of(cutPid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(cutPid).map(ProcessHandle::isAlive).orElse(false), "the cut start still runs");

        Manager early = newManager(node, atTheKill.get("early"), images);
        early.bind().accept(driver(), props());
        assertEquals(List.of("kept"), early.containers().list().stream().map(ContainerInfo::id).toList(),
                "a start cut before the engine made anything is forgotten");
        assertEquals(ContainerState.RUNNING, early.containers().get("kept").orElseThrow().state());
        // the names are free: the caller, which never got an answer, starts them again
        early.containers().run(sleeper("early"));
        early.containers().run(sleeper("cut"));
        assertEquals(List.of(ContainerState.RUNNING, ContainerState.RUNNING, ContainerState.RUNNING),
                early.containers().list().stream().map(ContainerInfo::state).toList());
        assertEquals(List.of("cut", "early", "kept"), driver().listOwned(nodeId).stream().sorted().toList());
    }

    @Test
    void givenASmallContribution_whenStartsWouldExceedIt_thenRefusedAndNothingStarted() throws Exception {
        node.contribute(new Resources(1000, 100L << 20, 0));
        Manager m = newManager(node, store, images);
        m.bind().accept(driver(), props());
        m.containers().run(sleeper("a").toBuilder().limits(new ResourceLimits(250, 64L << 20, 16)).build());
        DriverException e = assertThrows(DriverException.class, () -> m.containers().run(
                sleeper("b").toBuilder().limits(new ResourceLimits(250, 64L << 20, 16)).build()));
        assertEquals(DriverException.Kind.LIMIT_EXCEEDED, e.kind());
        assertEquals(List.of("a"), driver().listOwned(nodeId));
    }

    @Test
    void givenAContainerStartedByAnotherJvm_whenThatJvmIsKilled_thenTheContainerRunsOnAndIsRecovered()
            throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                StartAndHang.class.getName(), getClass().getName(), dir.toString(), nodeId, base)
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
        ContainerDriver fresh = driver();
        ContainerHandle h = fresh.recover(handle("from-child"));
        assertEquals(ContainerState.RUNNING, fresh.inspect(h).state());
        assertEquals(pid, fresh.inspect(h).pid());
        fresh.stop(h, Duration.ofSeconds(5));
        // busybox sleep under the engine's init ends on SIGTERM: 128 + 15
        assertEquals(143, fresh.waitFor(h, Duration.ofSeconds(5)).orElseThrow().exitCode());
    }

    /**
     * Run in a child JVM: makes the test's driver, starts a container, says its pid, then waits to be killed.
     * Arguments: the test class, the node's directory, its id, the base image.
     */
    public static final class StartAndHang {
        private StartAndHang() {
        }

        /**
         * Starts the container.
         *
         * @param args test class, directory, node id, base image digest
         * @throws Exception if it cannot
         */
        public static void main(String[] args) throws Exception {
            Constructor<?> c = Class.forName(args[0]).getDeclaredConstructor();
            c.setAccessible(true);
            ManagerOnDriverConformance test = (ManagerOnDriverConformance) c.newInstance();
            Path dir = Path.of(args[1]);
            ContainerDriver d = test.newDriver(dir, test.newImageStore(dir), args[2]);
            ContainerHandle h = d.start(ContainerSpec.builder("from-child", args[3], List.of("sleep", "1000")).build());
            Path tmp = dir.resolve("started.tmp");
            Files.writeString(tmp, Long.toString(d.inspect(h).pid()));
            Files.move(tmp, dir.resolve("started"));
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
