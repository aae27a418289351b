package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.runc.internal.RuncDriver;
import org.ringfellow.container.runc.internal.RuncOptions;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.runtime.bundle.internal.BundleRuntime;
import org.ringfellow.runtime.command.internal.CommandRuntime;

/** One node for engine tests: node store, image store, container manager, a real driver, the command runtime. */
final class TestNode {

    /** Makes a node's driver from its image store, node id and data directory. */
    interface DriverFactory {
        ContainerDriver make(FileImageStore images, String nodeId, Path data) throws Exception;
    }

    static final DriverFactory RUNC = (images, nodeId, data) -> RuncDriver.create(
            RuncOptions.defaults(data.resolve("runc")), images, nodeId);

    static final AppEngine.Timing FAST = new AppEngine.Timing(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(500));

    final String name;
    final NodeId id;
    final Path data;
    final InMemoryNode node;
    final InMemoryNode.Store store;
    final FileImageStore images;
    final ContainerDriver driver;
    final ContainerManagerImpl manager;
    final Map<String, ApplicationRuntime> runtimes = new ConcurrentHashMap<>();
    final AppEngine engine;
    final List<String> seen = new CopyOnWriteArrayList<>();

    /** How long a founder waits before it founds an app whose fellowship is gone again (short here). */
    static final Duration REFOUND_QUIET = Duration.ofSeconds(1);

    TestNode(Path dir, FakeFellowships net, String name, DriverFactory drivers) throws Exception {
        this(dir, net, name, new NodeId(InMemoryNode.randomId()), new InMemoryNode.Store(), drivers);
    }

    /**
     * The node {@code crashed} started again after a crash ({@link FakeFellowships#kill} and its
     * engine closed): the same id, data directory and node store; its memberships are gone.
     */
    TestNode(Path dir, FakeFellowships net, TestNode crashed, DriverFactory drivers) throws Exception {
        this(dir, net, crashed.name, crashed.id, crashed.store, drivers);
    }

    private TestNode(Path dir, FakeFellowships net, String name, NodeId id, InMemoryNode.Store store,
            DriverFactory drivers) throws Exception {
        this.name = name;
        this.id = id;
        this.store = store;
        this.data = Files.createDirectories(dir.resolve(name));
        this.node = new InMemoryNode(data, id.hex());
        net.labels.put(id, node::labels);
        this.images = new FileImageStore(data.resolve("images"), Path.of("/bin/busybox"));
        this.driver = drivers.make(images, id.hex(), data);
        assumeTrue(driver.fingerprint().health() == Health.HEALTHY, driver.fingerprint().reason());
        this.manager = ContainerManagerImpl.create(node, store, images, "");
        manager.bindDriver(driver, Map.of(ContainerDriver.TYPE_PROPERTY, driver.type()));
        runtimes.put("command", new CommandRuntime(images));
        runtimes.put("bundle", new BundleRuntime(images));
        net.add(id, name);
        this.engine = new AppEngine(node, store, net.serviceOf(id), manager,
                t -> Optional.ofNullable(runtimes.get(t)), net.ringOf(id), FAST, REFOUND_QUIET);
        net.listen(id, e -> {
            seen.add(e.type() + e.message().map(m -> " " + m.topic()).orElse(""));
            engine.onEvent(e);
        });
        engine.start();
    }

    Path appsDir() {
        return data.resolve("apps");
    }

    /** Removes whatever containers of this node the driver still knows (after a test). */
    void destroyOwnedContainers() throws Exception {
        for (var c : manager.list()) {
            try {
                manager.destroy(c.id());
            } catch (Exception e) {
                // best effort: the driver-level sweep below catches the rest
            }
        }
        if (driver instanceof RuncDriver r) {
            for (String cid : r.listOwned(id.hex())) {
                r.destroy(new ContainerHandle(cid, "runc", java.time.Instant.now(), Map.of()));
            }
        }
    }
}
