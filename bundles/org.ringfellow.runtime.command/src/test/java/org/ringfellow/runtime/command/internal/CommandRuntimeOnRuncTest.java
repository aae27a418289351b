package org.ringfellow.runtime.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.NetworkMode;
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
 * The example shell app, run by the command runtime in a real runc container through the
 * container manager, fed events over a FIFO bridge.
 */
class CommandRuntimeOnRuncTest {

    static final Path EXAMPLE = Path.of("examples", "upper");

    @TempDir
    Path dir;
    String nodeId;
    FileImageStore images;
    ContainerManagerImpl manager;
    CommandRuntime runtime;
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
        runtime = new CommandRuntime(images);
    }

    @AfterEach
    void cleanUp() throws Exception {
        bridges.forEach(NodeBridge::close);
        assertEquals(List.of(), Engines.destroyOwned(driver(), nodeId));
    }

    private RuncDriver driver() {
        return RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
    }

    /** Packs the example the way its README says: its manifest and its script in a jar. */
    private Path exampleArtifact() throws IOException {
        Manifest mf;
        try (var in = Files.newInputStream(EXAMPLE.resolve("MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        return jar(mf, Map.of("upper.sh", Files.readAllBytes(EXAMPLE.resolve("upper.sh"))));
    }

    private Path jar(Manifest mf, Map<String, byte[]> files) throws IOException {
        Path jar = Files.createTempFile(dir, "app", ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                j.putNextEntry(new JarEntry(f.getKey()));
                j.write(f.getValue());
                j.closeEntry();
            }
        }
        return jar;
    }

    private static AppDescriptor descriptor(Path artifact) throws IOException {
        try (var jar = new java.util.jar.JarFile(artifact.toFile())) {
            Map<String, String> headers = new java.util.HashMap<>();
            jar.getManifest().getMainAttributes().forEach((k, v) -> headers.put(k.toString(), v.toString()));
            return AppDescriptor.fromHeaders(headers);
        }
    }

    private RuntimeLaunch launch(Path artifact, String name) throws IOException {
        Path member = Files.createDirectories(dir.resolve("apps").resolve(name));
        return new RuntimeLaunch(descriptor(artifact), artifact, Files.createDirectory(member.resolve("bridge")),
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

                    @Override
                    public void disconnected(String reason) {
                        fromApp.add("disconnected: " + reason);
                    }
                });
        bridges.add(b);
        return b;
    }

    private Object next() throws InterruptedException {
        Object o = fromApp.poll(60, TimeUnit.SECONDS);
        assertTrue(o != null, "the app said nothing");
        return o;
    }

    @Test
    void givenTheShellExample_whenRunInRuncAndFedEvents_thenItAnswersRequestsAndHttpAndStopsCleanly()
            throws Exception {
        Path artifact = exampleArtifact();
        RuntimeLaunch launch = launch(artifact, "upper-1");
        RuntimePlan plan = runtime.prepare(launch);
        assertEquals(BridgeTransport.FIFO_PAIR, plan.transport());
        assertEquals(NetworkMode.NONE, plan.container().network());
        assertTrue(plan.container().readOnlyRoot());
        NodeBridge bridge = open(launch, plan);
        manager.run(plan.container());

        bridge.deliver(new BridgeEvent.Started("upper", self, List.of(self, other), self.id()));
        assertEquals(new BridgeCommand.Log("upper started as member aa01 of upper"), next());

        bridge.deliver(new BridgeEvent.Request(7, other, "upper", "hello, ringfellow".getBytes(StandardCharsets.UTF_8)));
        BridgeCommand.Reply reply = (BridgeCommand.Reply) next();
        assertEquals(7, reply.id());
        assertEquals("HELLO, RINGFELLOW", new String(reply.payload(), StandardCharsets.UTF_8));

        bridge.deliver(new BridgeEvent.Http(3, new HttpRequest("GET", "/shout", "", Map.of(), new byte[0])));
        BridgeCommand.HttpReply http = (BridgeCommand.HttpReply) next();
        assertEquals(3, http.id());
        assertEquals(200, http.response().status());
        assertEquals("/SHOUT", new String(http.response().body(), StandardCharsets.UTF_8));

        bridge.deliver(new BridgeEvent.Message(other, "greeting", "hi there".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new BridgeCommand.Log("message on greeting: hi there"), next());
        bridge.deliver(new BridgeEvent.MemberLeft(other));
        assertEquals(new BridgeCommand.Log("event member-left"), next());

        bridge.deliver(new BridgeEvent.Stopped());
        assertEquals(new BridgeCommand.Log("upper stopping"), next());
        ExitStatus exit = manager.waitFor("upper-1", Duration.ofSeconds(60)).orElseThrow();
        assertEquals(0, exit.exitCode());
        assertEquals(0, bridge.stats().malformed());
        manager.destroy("upper-1");
        assertTrue(manager.get("upper-1").isEmpty());
    }

    @Test
    void givenThreeMembersOfOneAppOnOneNode_whenEachIsAsked_thenEachAnswersOnItsOwnBridgeInOrder() throws Exception {
        Path artifact = exampleArtifact();
        List<String> names = List.of("upper-a", "upper-b", "upper-c");
        Map<String, BlockingQueue<BridgeCommand>> replies = new java.util.HashMap<>();
        Map<String, NodeBridge> byName = new java.util.HashMap<>();
        for (String name : names) {
            RuntimeLaunch launch = launch(artifact, name);
            RuntimePlan plan = runtime.prepare(launch);
            BlockingQueue<BridgeCommand> q = new LinkedBlockingQueue<>();
            replies.put(name, q);
            NodeBridge b = NodeBridge.open(launch.bridgeDirectory(), plan.transport(), BridgeLimits.DEFAULTS, q::add);
            bridges.add(b);
            byName.put(name, b);
            manager.run(plan.container());
            b.deliver(new BridgeEvent.Started("upper", new MemberRef(name, name, false), List.of(), "aa01"));
        }
        int n = 20;
        for (int i = 1; i <= n; i++) {
            for (String name : names) {
                byName.get(name).deliver(new BridgeEvent.Request(i, other, "upper", (name + " " + i).getBytes()));
            }
        }
        for (String name : names) {
            BlockingQueue<BridgeCommand> q = replies.get(name);
            assertEquals(new BridgeCommand.Log("upper started as member " + name + " of upper"),
                    q.poll(60, TimeUnit.SECONDS));
            for (int i = 1; i <= n; i++) {
                BridgeCommand.Reply r = (BridgeCommand.Reply) q.poll(60, TimeUnit.SECONDS);
                assertEquals(i, r.id());
                assertEquals((name + " " + i).toUpperCase(), new String(r.payload(), StandardCharsets.UTF_8));
            }
            byName.get(name).deliver(new BridgeEvent.Stopped());
        }
        for (String name : names) {
            assertEquals(0, manager.waitFor(name, Duration.ofSeconds(60)).orElseThrow().exitCode());
            manager.destroy(name);
        }
    }

    @Test
    void givenAProgramThatPrintsJunk_whenRun_thenTheJunkIsCountedAndItsValidLinesStillArrive() throws Exception {
        Manifest mf = manifest("junk", "junk.sh");
        byte[] script = ("#!/bin/sh\nread -r line\necho 'this is not json'\n"
                + "echo '{\"v\":1,\"type\":\"log\",\"message\":\"after the junk\"}'\nread -r line\n")
                .getBytes(StandardCharsets.UTF_8);
        Path artifact = jar(mf, Map.of("junk.sh", script));
        RuntimeLaunch launch = launch(artifact, "junk-1");
        RuntimePlan plan = runtime.prepare(launch);
        NodeBridge bridge = open(launch, plan);
        manager.run(plan.container());
        bridge.deliver(new BridgeEvent.Started("junk", self, List.of(self), self.id()));
        assertTrue(((String) next()).startsWith("malformed: "));
        assertEquals(new BridgeCommand.Log("after the junk"), next());
        assertEquals(1, bridge.stats().malformed());
        bridge.deliver(new BridgeEvent.Stopped());
        assertEquals(0, manager.waitFor("junk-1", Duration.ofSeconds(60)).orElseThrow().exitCode());
        manager.destroy("junk-1");
    }

    @Test
    void givenARunningApp_whenItsContainerIsStopped_thenTheBridgeSeesTheAppGoAndClosesCleanly() throws Exception {
        Path artifact = exampleArtifact();
        RuntimeLaunch launch = launch(artifact, "upper-2");
        RuntimePlan plan = runtime.prepare(launch);
        NodeBridge bridge = open(launch, plan);
        manager.run(plan.container());
        bridge.deliver(new BridgeEvent.Started("upper", self, List.of(self), self.id()));
        assertEquals(new BridgeCommand.Log("upper started as member aa01 of upper"), next());
        assertTrue(bridge.connected());
        manager.stop("upper-2", Duration.ofSeconds(5));
        assertEquals("disconnected: the app closed the bridge", next());
        assertFalse(bridge.connected());
        manager.destroy("upper-2");
        bridge.close();
        assertFalse(Files.exists(launch.bridgeDirectory().resolve(BridgeTransport.EVENTS_FIFO)));
    }

    private static Manifest manifest(String name, String entry) {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(AppDescriptor.HEADER_NAME, name);
        a.putValue(AppDescriptor.HEADER_RUNTIME, "command");
        a.putValue(AppDescriptor.HEADER_ENTRY, entry);
        return mf;
    }

    @Test
    void givenAnArtifactWithoutItsEntry_whenPrepared_thenTheDeveloperIsToldWhichFileIsMissing() throws Exception {
        Path artifact = jar(manifest("broken", "missing.sh"), Map.of("other.sh", new byte[] {'#'}));
        DriverException e = assertThrows(DriverException.class, () -> runtime.prepare(launch(artifact, "broken-1")));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind());
        assertTrue(e.getMessage().contains("missing.sh"), e.getMessage());
    }

    @Test
    void givenAnArtifactWithAnEntryOutsideItsFolder_whenPrepared_thenRefusedAndNothingWrittenOutside()
            throws Exception {
        Path artifact = jar(manifest("slip", "a.sh"), Map.of("a.sh", new byte[] {'#'}, "../../../escaped",
                new byte[] {'x'}));
        RuntimeLaunch launch = launch(artifact, "slip-1");
        DriverException e = assertThrows(DriverException.class, () -> runtime.prepare(launch));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("escaped")));
    }

    @Test
    void givenAnAppOfAnotherRuntime_whenChecked_thenRefusedWithTheRuntimeNamed() {
        AppDescriptor bundleApp = AppDescriptor.fromHeaders(Map.of(AppDescriptor.HEADER_NAME, "b",
                AppDescriptor.HEADER_ENTRY, "org.example.App"));
        DriverException e = assertThrows(DriverException.class, () -> runtime.check(bundleApp));
        assertTrue(e.getMessage().contains("bundle"), e.getMessage());
    }
}
