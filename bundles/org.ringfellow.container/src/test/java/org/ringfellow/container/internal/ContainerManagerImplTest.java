package org.ringfellow.container.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.node.Resources;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.container.image.FileImageStore;

class ContainerManagerImplTest {

    @TempDir
    Path dir;
    InMemoryNode.Store store;
    InMemoryNode node;
    Fakes.Engine engine;
    FileImageStore images;
    Image image;

    @BeforeEach
    void setUp() throws Exception {
        store = new InMemoryNode.Store();
        node = new InMemoryNode(dir, Fakes.NODE);
        engine = new Fakes.Engine();
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        Path tar = dir.resolve("t.tar");
        // smallest valid archive: one directory entry
        byte[] header = new byte[512];
        byte[] name = "etc/".getBytes();
        System.arraycopy(name, 0, header, 0, name.length);
        System.arraycopy("0000755\0".getBytes(), 0, header, 100, 8);
        System.arraycopy("00000000000\0".getBytes(), 0, header, 124, 12);
        header[156] = '5';
        System.arraycopy("ustar\00000".getBytes(), 0, header, 257, 8);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        System.arraycopy(String.format("%06o\0 ", sum).getBytes(), 0, header, 148, 8);
        byte[] all = new byte[512 * 4];
        System.arraycopy(header, 0, all, 0, 512);
        Files.write(tar, all);
        image = images.importArchive("app", tar);
    }

    private ContainerManagerImpl manager(String defaultDriver) {
        return new ContainerManagerImpl(node, store, images, Fakes.config(defaultDriver));
    }

    private ContainerSpec spec(String name, long memMiB) {
        return ContainerSpec.builder(name, image.digest(), List.of("sleep", "1000"))
                .limits(new ResourceLimits(250, memMiB << 20, 16)).build();
    }

    @Test
    void givenRunningContainers_whenTheirDriverLeaves_thenDetached_andWhenOneReturns_thenRecoveredAndRunning()
            throws Exception {
        ContainerManagerImpl m = manager("");
        Fakes.Driver first = new Fakes.Driver("runc", engine);
        m.bindDriver(first, Fakes.props("runc"));
        m.run(spec("a", 64));
        m.run(spec("b", 64));

        m.unbindDriver(first, Fakes.props("runc"));
        assertEquals(List.of(ContainerState.DETACHED, ContainerState.DETACHED),
                m.list().stream().map(ContainerInfo::state).toList());
        DriverException e = assertThrows(DriverException.class, () -> m.stop("a", Duration.ZERO));
        assertEquals(Kind.NO_DRIVER, e.kind());
        assertTrue(e.getMessage().contains("detached"), e.getMessage());
        assertTrue(m.drivers().isEmpty());

        Fakes.Driver second = new Fakes.Driver("runc", engine);
        m.bindDriver(second, Fakes.props("runc"));
        assertEquals(List.of("a", "b"), second.recovered);
        assertEquals(List.of(ContainerState.RUNNING, ContainerState.RUNNING),
                m.list().stream().map(ContainerInfo::state).toList());
        assertTrue(engine.destroyed.isEmpty(), "a returning driver must not lose containers");
    }

    @Test
    void givenAReplacementBoundBeforeTheOldUnbinds_thenTheReplacementStays() {
        ContainerManagerImpl m = manager("");
        Fakes.Driver oldOne = new Fakes.Driver("runc", engine);
        Fakes.Driver newOne = new Fakes.Driver("runc", engine);
        m.bindDriver(oldOne, Fakes.props("runc"));
        m.bindDriver(newOne, Fakes.props("runc"));
        m.unbindDriver(oldOne, Fakes.props("runc"));
        assertEquals(1, m.drivers().size());
    }

    @Test
    void givenANodeKilledAtAnyPoint_whenItRestarts_thenNoOrphanAndNoDuplicate() throws Exception {
        ContainerManagerImpl before = manager("");
        before.bindDriver(new Fakes.Driver("runc", engine), Fakes.props("runc"));
        before.run(spec("kept", 64));
        // killed after the engine started it but before the manager wrote "started"
        StoredContainer half = StoredContainer.starting(spec("half", 64), "runc", "app");
        store.namespace(ContainerManagerImpl.NAMESPACE).put("half", half.toJson());
        engine.owners.put("half", Fakes.NODE);
        // killed after writing "starting" but before the engine made it
        StoredContainer never = StoredContainer.starting(spec("never", 64), "runc", "app");
        store.namespace(ContainerManagerImpl.NAMESPACE).put("never", never.toJson());
        // the engine holds one the node has no record of (record lost), and one of another node
        engine.owners.put("orphan", Fakes.NODE);
        engine.owners.put("foreign", "cd".repeat(32));
        // the engine lost one (host reboot)
        before.run(spec("lost", 64));
        engine.owners.remove("lost");

        ContainerManagerImpl after = manager("");
        after.bindDriver(new Fakes.Driver("runc", engine), Fakes.props("runc"));

        // a start that was cut is destroyed in the engine, never adopted: nobody got its handle
        assertEquals(List.of("half", "never", "orphan"), engine.destroyed.stream().sorted().toList());
        assertFalse(engine.owners.containsKey("half"));
        assertTrue(engine.owners.containsKey("foreign"), "another node's container must be left alone");
        assertEquals(Map.of("kept", ContainerState.RUNNING, "lost", ContainerState.GONE), Map.copyOf(after.list()
                .stream().collect(java.util.stream.Collectors.toMap(ContainerInfo::id, ContainerInfo::state))));
        assertEquals(Set.of("kept", "lost"), store.namespace(ContainerManagerImpl.NAMESPACE).entries().keySet());
        // neither a gone container nor a cut start blocks its name
        after.run(spec("lost", 64));
        assertEquals(ContainerState.RUNNING, after.get("lost").orElseThrow().state());
        after.run(spec("half", 64));
        assertEquals(ContainerState.RUNNING, after.get("half").orElseThrow().state());
    }

    @Test
    void givenACutStartTheEngineCannotRemove_thenItsRecordStaysAndTheNextListingRemovesIt() throws Exception {
        StoredContainer half = StoredContainer.starting(spec("half", 64), "lxc", "app");
        store.namespace(ContainerManagerImpl.NAMESPACE).put("half", half.toJson());
        engine.owners.put("half", Fakes.NODE);
        ContainerManagerImpl m = manager("");
        Fakes.Driver d = new Fakes.Driver("lxc", engine);
        d.failDestroys = true;
        m.bindDriver(d, Fakes.props("lxc"));
        assertTrue(d.recovered.isEmpty(), "a cut start must not be adopted");
        assertTrue(engine.owners.containsKey("half"));
        DriverException e = assertThrows(DriverException.class, () -> m.run(spec("half", 64), "lxc"));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());

        d.failDestroys = false;
        assertTrue(m.list().isEmpty());
        assertEquals(List.of("half"), engine.destroyed);
        assertTrue(store.namespace(ContainerManagerImpl.NAMESPACE).entries().isEmpty());
    }

    @Test
    void givenAStartUnderWay_whenItsDriverIsBoundAgain_thenTheStartIsNotUndone() throws Exception {
        ContainerManagerImpl m = manager("");
        Fakes.Driver first = new Fakes.Driver("runc", engine);
        first.startGate = new java.util.concurrent.CountDownLatch(1);
        m.bindDriver(first, Fakes.props("runc"));
        java.util.concurrent.CompletableFuture<ContainerInfo> run = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return m.run(spec("slow", 64));
                    } catch (DriverException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
        assertTrue(first.startReached.await(30, java.util.concurrent.TimeUnit.SECONDS));
        // a replacement instance arrives while the start is under way (a configuration change)
        m.bindDriver(new Fakes.Driver("runc", engine), Fakes.props("runc"));
        assertTrue(engine.destroyed.isEmpty(), "a start under way in this manager is not a cut one");
        first.startGate.countDown();
        assertEquals(ContainerState.RUNNING, run.get(30, java.util.concurrent.TimeUnit.SECONDS).state());
        assertEquals(ContainerState.RUNNING, m.get("slow").orElseThrow().state());
    }

    @Test
    void givenTheNodesContribution_whenAStartWouldExceedIt_thenRefusedWithTheReason() throws Exception {
        node.contribute(new Resources(1000, 200L << 20, 0));
        ContainerManagerImpl m = manager("");
        Fakes.Driver d = new Fakes.Driver("runc", engine);
        m.bindDriver(d, Fakes.props("runc"));
        m.run(spec("a", 100));
        m.run(spec("b", 64));
        DriverException e = assertThrows(DriverException.class, () -> m.run(spec("c", 64)));
        assertEquals(Kind.LIMIT_EXCEEDED, e.kind());
        assertTrue(e.getMessage().contains("contributes 200 MiB"), e.getMessage());
        assertTrue(m.get("c").isEmpty(), "a refused start leaves no record");
        // an exited container holds nothing
        m.stop("a", Duration.ZERO);
        m.run(spec("c", 64));
        ContainerSpec noCpu = ContainerSpec.builder("d", image.digest(), List.of("true"))
                .limits(new ResourceLimits(0, 8L << 20, 4)).build();
        assertEquals(Kind.LIMIT_EXCEEDED, assertThrows(DriverException.class, () -> m.run(noCpu)).kind());
        ContainerSpec cpuHog = ContainerSpec.builder("e", image.digest(), List.of("true"))
                .limits(new ResourceLimits(900, 8L << 20, 4)).build();
        assertTrue(assertThrows(DriverException.class, () -> m.run(cpuHog)).getMessage().contains("CPU"));
    }

    @Test
    void givenAFailedStart_thenNoRecordIsLeft() {
        ContainerManagerImpl m = manager("");
        Fakes.Driver d = new Fakes.Driver("runc", engine);
        d.failStarts = true;
        m.bindDriver(d, Fakes.props("runc"));
        DriverException e = assertThrows(DriverException.class, () -> m.run(spec("x", 64)));
        assertEquals("engine said no", e.getMessage());
        assertTrue(m.list().isEmpty());
        assertTrue(store.namespace(ContainerManagerImpl.NAMESPACE).entries().isEmpty());
    }

    @Test
    void givenStartsOnTwoDrivers_thenEachDriversStartsAreCountedAndAFailedOneIsNot() throws Exception {
        ContainerManagerImpl m = manager("");
        Fakes.Driver runc = new Fakes.Driver("runc", engine);
        Fakes.Driver crun = new Fakes.Driver("crun", engine);
        m.bindDriver(runc, Fakes.props("runc"));
        m.bindDriver(crun, Fakes.props("crun"));
        assertTrue(m.startLatencies().isEmpty());
        m.run(spec("a", 16), "runc");
        m.run(spec("b", 16), "runc");
        m.run(spec("c", 16), "crun");
        crun.failStarts = true;
        assertThrows(DriverException.class, () -> m.run(spec("d", 16), "crun"));
        var latencies = m.startLatencies();
        assertEquals(Set.of("runc", "crun"), latencies.keySet());
        assertEquals(2, latencies.get("runc").count());
        assertEquals(1, latencies.get("crun").count());
        assertEquals(ContainerManagerImpl.START_BOUNDS.length + 1, latencies.get("runc").counts().size());
        assertTrue(latencies.get("runc").sumSeconds() >= 0);
    }

    @Test
    void givenAnExistingName_whenRunAgain_thenRefused() throws Exception {
        ContainerManagerImpl m = manager("");
        m.bindDriver(new Fakes.Driver("runc", engine), Fakes.props("runc"));
        m.run(spec("x", 64));
        assertThrows(DriverException.class, () -> m.run(spec("x", 64)));
    }

    @Test
    void givenDrivers_thenTheDefaultIsConfigOrRuncOrDriverUse_andDriverUseIsPersisted() throws Exception {
        ContainerManagerImpl m = manager("");
        assertEquals(Optional.empty(), m.defaultDriver());
        assertEquals(Kind.NO_DRIVER, assertThrows(DriverException.class, () -> m.run(spec("x", 64))).kind());
        m.bindDriver(new Fakes.Driver("lxc", engine), Fakes.props("lxc"));
        m.bindDriver(new Fakes.Driver("runc", engine), Fakes.props("runc"));
        assertEquals(Optional.of("runc"), m.defaultDriver());
        assertEquals(Kind.NO_DRIVER, assertThrows(DriverException.class, () -> m.useDriver("docker")).kind());
        m.useDriver("lxc");
        assertEquals("lxc", m.run(spec("x", 64)).driverType());
        assertTrue(m.drivers().stream().anyMatch(d -> d.type().equals("lxc") && d.isDefault()));

        ContainerManagerImpl restarted = manager("");
        assertEquals(Optional.of("lxc"), restarted.defaultDriver());
        // a new configured value is the operator's latest word
        restarted.modified(Fakes.config("runc"));
        assertEquals(Optional.of("runc"), restarted.defaultDriver());
    }

    @Test
    void givenAContainerUsingAnImage_whenTheImageIsRemoved_thenRefused() throws Exception {
        ContainerManagerImpl m = manager("");
        m.bindDriver(new Fakes.Driver("runc", engine), Fakes.props("runc"));
        m.run(spec("x", 64));
        DriverException e = assertThrows(DriverException.class, () -> images.remove("app"));
        assertTrue(e.getMessage().contains("container x"), e.getMessage());
        m.destroy("x");
        assertTrue(images.remove("app"));
        assertFalse(m.get("x").isPresent());
    }

    @Test
    void givenAContainer_whenMigrated_thenItRunsOnTheOtherDriverFromTheSameSpec() throws Exception {
        ContainerManagerImpl m = manager("");
        m.bindDriver(new Fakes.Driver("runc", engine), Fakes.props("runc"));
        Fakes.Engine other = new Fakes.Engine();
        m.bindDriver(new Fakes.Driver("lxc", other), Fakes.props("lxc"));
        m.run(spec("x", 64));
        ContainerInfo moved = m.migrate("x", "lxc");
        assertEquals("lxc", moved.driverType());
        assertEquals(List.of("x"), engine.destroyed);
        assertTrue(other.owners.containsKey("x"));
    }

    @Test
    void givenAnEngineDownWhenItsDriverArrives_whenItAnswersLater_thenTheNextListingReconciles() throws Exception {
        ContainerManagerImpl before = manager("");
        before.bindDriver(new Fakes.Driver("runc", engine), Fakes.props("runc"));
        before.run(spec("kept", 64));
        engine.owners.put("orphan", Fakes.NODE);

        ContainerManagerImpl after = manager("");
        Fakes.Driver d = new Fakes.Driver("runc", engine);
        d.engineDown = true;
        after.bindDriver(d, Fakes.props("runc"));
        assertTrue(engine.destroyed.isEmpty());
        d.engineDown = false;
        after.list();
        assertEquals(List.of("orphan"), engine.destroyed);
        assertEquals(List.of("kept"), d.recovered);
    }
}
