package org.ringfellow.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.NetworkMode;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.runtime.BridgeTransport;
import org.ringfellow.api.runtime.RuntimeLaunch;
import org.ringfellow.api.runtime.RuntimePlan;
import org.ringfellow.app.bridge.BridgeCommand;
import org.ringfellow.app.bridge.BridgeEvent;
import org.ringfellow.app.bridge.BridgeLimits;
import org.ringfellow.app.bridge.NodeBridge;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.runc.internal.RuncDriver;
import org.ringfellow.container.runc.internal.RuncOptions;
import org.ringfellow.container.tck.Engines;
import org.ringfellow.container.tck.InMemoryNode;

/**
 * A small app bundle, run by the bundle runtime in a real runc container (the host's JRE mounted
 * read-only, Felix inside) through the container manager, fed events over the bridge socket.
 */
class BundleRuntimeOnRuncTest {

    static final Path TEST_APP = Path.of("target", "test-apps", "org.ringfellow.runtime.bundle.testapp.jar");

    @TempDir
    Path dir;
    String nodeId;
    FileImageStore images;
    ContainerManagerImpl manager;
    BundleRuntime runtime;
    final List<NodeBridge> bridges = new ArrayList<>();
    final BlockingQueue<Object> fromApp = new LinkedBlockingQueue<>();
    final MemberRef self = new MemberRef("aa01", "node-a", true);
    final MemberRef other = new MemberRef("bb02", "node-b", false);

    @BeforeEach
    void setUp() throws Exception {
        nodeId = InMemoryNode.randomId();
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        Engines.require("runc", driver().fingerprint());
        manager = ContainerManagerImpl.create(new InMemoryNode(dir, nodeId), new InMemoryNode.Store(), images, "");
        manager.bindDriver(driver(), Map.of(ContainerDriver.TYPE_PROPERTY, "runc"));
        runtime = new BundleRuntime(images);
    }

    @AfterEach
    void cleanUp() throws Exception {
        bridges.forEach(NodeBridge::close);
        assertEquals(List.of(), Engines.destroyOwned(driver(), nodeId));
    }

    private RuncDriver driver() {
        return RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
    }

    private static AppDescriptor descriptor(Path artifact) throws IOException {
        try (JarFile jar = new JarFile(artifact.toFile())) {
            Map<String, String> headers = new HashMap<>();
            jar.getManifest().getMainAttributes().forEach((k, v) -> headers.put(k.toString(), v.toString()));
            return AppDescriptor.fromHeaders(headers);
        }
    }

    private RuntimeLaunch launch(AppDescriptor app, Path artifact, String name) throws IOException {
        Path member = Files.createDirectories(dir.resolve("apps").resolve(name));
        return new RuntimeLaunch(app, artifact, Files.createDirectory(member.resolve("bridge")),
                Files.createDirectory(member.resolve("work")), name);
    }

    private NodeBridge open(RuntimeLaunch launch, RuntimePlan plan) throws IOException {
        NodeBridge b = NodeBridge.open(launch.bridgeDirectory(), plan.transport(), BridgeLimits.DEFAULTS,
                new NodeBridge.Listener() {
                    @Override
                    public void command(BridgeCommand command) {
                        fromApp.add(command);
                    }

                    @Override
                    public void malformed(String reason) {
                        fromApp.add("malformed: " + reason);
                    }
                });
        bridges.add(b);
        return b;
    }

    private Object next(String id) throws Exception {
        Object o = fromApp.poll(90, TimeUnit.SECONDS);
        if (o == null) {
            var log = manager.logs(id, 0, 64 * 1024);
            throw new AssertionError("the app said nothing; its container's log:\n"
                    + log.text());
        }
        return o;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void givenTheTestAppBundle_whenRunInRuncAndFedEvents_thenItsHandlersAnswerAndItsContextCallsComeBack()
            throws Exception {
        AppDescriptor app = descriptor(TEST_APP);
        RuntimeLaunch launch = launch(app, TEST_APP, "echo-1");
        RuntimePlan plan = runtime.prepare(launch);
        assertEquals(BridgeTransport.UNIX_SOCKET, plan.transport());
        assertEquals(NetworkMode.NONE, plan.container().network());
        assertTrue(plan.container().readOnlyRoot());
        assertTrue(plan.container().mounts().stream().filter(m -> m.type() == Mount.Type.BIND)
                .allMatch(Mount::readOnly), "every bind mount is read-only");
        NodeBridge bridge = open(launch, plan);
        manager.run(plan.container());

        bridge.deliver(new BridgeEvent.Started("echo", self, List.of(self, other), self.id()));
        assertEquals(new BridgeCommand.Log("echo started as aa01 of echo with 2 members, coordinator=true"),
                next("echo-1"));

        bridge.deliver(new BridgeEvent.Request(1, other, "echo", utf8("abc")));
        BridgeCommand.Reply r1 = (BridgeCommand.Reply) next("echo-1");
        assertEquals(1, r1.id());
        assertEquals("cba", new String(r1.payload(), StandardCharsets.UTF_8));

        // the app's own request goes out through its context, and the node's reply comes back to it
        bridge.deliver(new BridgeEvent.Request(2, other, "relay", utf8("bb02")));
        BridgeCommand.Request out = (BridgeCommand.Request) next("echo-1");
        assertEquals("bb02", out.to());
        assertEquals("echo", out.topic());
        assertEquals(30_000, out.timeoutMillis());
        bridge.deliver(new BridgeEvent.Reply(out.id(), other, utf8("pong")));
        BridgeCommand.Reply r2 = (BridgeCommand.Reply) next("echo-1");
        assertEquals(2, r2.id());
        assertEquals("relay got pong from bb02", new String(r2.payload(), StandardCharsets.UTF_8));

        // a handler that throws: logged, the request fails with the reason, the app keeps running
        bridge.deliver(new BridgeEvent.Request(3, other, "boom", new byte[0]));
        Object o = next("echo-1");
        assertTrue(o instanceof BridgeCommand.Log l && l.message().contains("boom on purpose"), o.toString());
        BridgeCommand.ReplyError err = (BridgeCommand.ReplyError) next("echo-1");
        assertEquals(3, err.id());
        assertTrue(err.reason().contains("boom on purpose"), err.reason());

        bridge.deliver(new BridgeEvent.Message(other, "hi", utf8("x")));
        BridgeCommand.Broadcast b = (BridgeCommand.Broadcast) next("echo-1");
        assertEquals("seen", b.topic());
        assertEquals("x", new String(b.payload(), StandardCharsets.UTF_8));

        bridge.deliver(new BridgeEvent.MemberJoined(new MemberRef("cc03", "node-c", false)));
        assertEquals(new BridgeCommand.Log("joined cc03, now 3"), next("echo-1"));
        bridge.deliver(new BridgeEvent.CoordinatorChanged(new MemberRef("bb02", "node-b", true)));
        assertEquals(new BridgeCommand.Log("coordinator bb02, me=false"), next("echo-1"));

        bridge.deliver(new BridgeEvent.Http(5, new HttpRequest("GET", "/hello", "", Map.of(), new byte[0])));
        BridgeCommand.HttpReply http = (BridgeCommand.HttpReply) next("echo-1");
        assertEquals(5, http.id());
        assertEquals(200, http.response().status());
        assertEquals("echo GET /hello", new String(http.response().body(), StandardCharsets.UTF_8));

        bridge.deliver(new BridgeEvent.Stopped());
        assertEquals(new BridgeCommand.Log("echo stopping"), next("echo-1"));
        assertEquals(0, manager.waitFor("echo-1", Duration.ofSeconds(60)).orElseThrow().exitCode());
        assertEquals(0, bridge.stats().malformed());
        String log = manager.logs("echo-1", 0, 65536).text();
        assertTrue(!log.contains("Exception") && !log.contains("rror"), "the launcher complained: " + log);
        manager.destroy("echo-1");
        assertTrue(manager.get("echo-1").isEmpty());
    }

    @Test
    void givenAThousandRequestsInFlight_whenDeliveredAtOnce_thenEveryOneIsAnsweredOnceAndInOrder() throws Exception {
        RuntimeLaunch launch = launch(descriptor(TEST_APP), TEST_APP, "echo-2");
        RuntimePlan plan = runtime.prepare(launch);
        NodeBridge bridge = open(launch, plan);
        manager.run(plan.container());
        bridge.deliver(new BridgeEvent.Started("echo", self, List.of(self, other), self.id()));
        assertTrue(next("echo-2") instanceof BridgeCommand.Log);
        int n = 1000;
        for (int i = 1; i <= n; i++) {
            // the queue holds 1024 events: none is refused
            assertTrue(bridge.deliver(new BridgeEvent.Request(i, other, "echo", utf8("m" + i))));
        }
        for (int i = 1; i <= n; i++) {
            BridgeCommand.Reply r = (BridgeCommand.Reply) next("echo-2");
            assertEquals(i, r.id());
            assertEquals(new StringBuilder("m" + i).reverse().toString(), new String(r.payload(), StandardCharsets.UTF_8));
        }
        bridge.deliver(new BridgeEvent.Stopped());
        assertEquals(new BridgeCommand.Log("echo stopping"), next("echo-2"));
        assertEquals(0, manager.waitFor("echo-2", Duration.ofSeconds(60)).orElseThrow().exitCode());
        manager.destroy("echo-2");
    }

    @Test
    void givenABundleThatImportsALibraryNotThere_whenRun_thenItsLogSaysWhatIsMissingAndItExitsWith2()
            throws Exception {
        Path broken = dir.resolve("needs-library.jar");
        try (JarFile in = new JarFile(TEST_APP.toFile());
                var out = new java.util.jar.JarOutputStream(Files.newOutputStream(broken), withImport(in.getManifest(),
                        "org.example.missing.library"))) {
            for (var e : java.util.Collections.list(in.entries())) {
                if (!e.getName().equals(JarFile.MANIFEST_NAME)) {
                    out.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                    in.getInputStream(e).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        RuntimeLaunch launch = launch(descriptor(broken), broken, "broken-1");
        RuntimePlan plan = runtime.prepare(launch);
        NodeBridge bridge = open(launch, plan);
        manager.run(plan.container());
        bridge.deliver(new BridgeEvent.Started("echo", self, List.of(self), self.id()));
        BridgeCommand.Log log = (BridgeCommand.Log) next("broken-1");
        assertTrue(log.message().startsWith("the app cannot be loaded") && log.message()
                .contains("org.example.missing.library"), log.message());
        assertEquals(2, manager.waitFor("broken-1", Duration.ofSeconds(60)).orElseThrow().exitCode());
        manager.destroy("broken-1");
    }

    private static java.util.jar.Manifest withImport(java.util.jar.Manifest mf, String pkg) {
        java.util.jar.Manifest copy = new java.util.jar.Manifest(mf);
        String imports = copy.getMainAttributes().getValue("Import-Package");
        copy.getMainAttributes().putValue("Import-Package", imports + "," + pkg);
        return copy;
    }

    @Test
    void givenAnAppWhoseEntryClassIsNotInItsBundle_whenPrepared_thenTheDeveloperIsToldWhichClass() throws Exception {
        AppDescriptor good = descriptor(TEST_APP);
        AppDescriptor wrong = new AppDescriptor(good.name(), good.version(), 1, good.perMember(), "bundle",
                "org.example.Missing", Map.of());
        DriverException e = assertThrows(DriverException.class,
                () -> runtime.prepare(launch(wrong, TEST_APP, "wrong-1")));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind());
        assertTrue(e.getMessage().contains("org.example.Missing"), e.getMessage());
    }

    @Test
    void givenAnAppAskingForTooLittleMemoryForAJvm_whenChecked_thenTheMessageSaysHowMuchToAskFor()
            throws Exception {
        AppDescriptor good = descriptor(TEST_APP);
        AppDescriptor small = new AppDescriptor(good.name(), good.version(), 1,
                new ResourceLimits(500, 32L << 20, 64), "bundle", good.entry(), Map.of());
        DriverException e = assertThrows(DriverException.class, () -> runtime.check(small));
        assertTrue(e.getMessage().contains("96 MiB"), e.getMessage());
    }

    @Test
    void givenTheSameHost_whenTheImageIsWrittenTwice_thenTheBytesAreTheSame() throws Exception {
        HostJre jre = HostJre.discover(Path.of(System.getProperty("java.home")));
        var a = new java.io.ByteArrayOutputStream();
        var b = new java.io.ByteArrayOutputStream();
        runtime.writeImage(jre, a);
        runtime.writeImage(jre, b);
        assertTrue(java.util.Arrays.equals(a.toByteArray(), b.toByteArray()));
        assertTrue(jre.files().keySet().stream().anyMatch(f -> f.contains("libc.so")), jre.files().toString());
    }
}
