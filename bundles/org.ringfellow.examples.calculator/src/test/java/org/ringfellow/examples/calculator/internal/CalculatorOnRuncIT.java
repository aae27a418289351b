package org.ringfellow.examples.calculator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.annotation.Annotation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.Health;
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
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.runtime.bundle.internal.BundleRuntime;

/**
 * The calculator bundle as built, run by the bundle runtime in a real runc container (Felix inside,
 * the host's JRE read-only, no network) and driven over the bridge. The test plays the node: the
 * coordinator's part requests to the other members are delivered back into the same container as
 * requests from the coordinator (so the real code computes every part), and one member is made to
 * leave while it holds a part, as a node does when a member's process dies.
 */
class CalculatorOnRuncIT {

    static final Path BUNDLE = Path.of(System.getProperty("calculator.bundle.jar",
            "target/org.ringfellow.examples.calculator-0.1.0-SNAPSHOT.jar"));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    String nodeId;
    FileImageStore images;
    ContainerManagerImpl manager;
    NodeBridge bridge;
    final BlockingQueue<Object> fromApp = new LinkedBlockingQueue<>();
    final MemberRef a = new MemberRef("aa01", "node-a", true);
    final MemberRef b = new MemberRef("bb02", "node-b", false);
    final MemberRef c = new MemberRef("cc03", "node-c", false);
    final List<String> logs = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        nodeId = HexFormat.of().formatHex(id);
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        assumeTrue(driver().fingerprint().health() == Health.HEALTHY, driver().fingerprint().reason());
        manager = new ContainerManagerImpl(new InMemoryNode(dir, nodeId), new InMemoryNode.Store(), images,
                new ContainerManagerImpl.Config() {
                    @Override
                    public Class<? extends Annotation> annotationType() {
                        return ContainerManagerImpl.Config.class;
                    }

                    @Override
                    public String defaultDriver() {
                        return "";
                    }
                });
        manager.bindDriver(driver(), Map.of(ContainerDriver.TYPE_PROPERTY, "runc"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (manager == null) {
            return;
        }
        RuncDriver d = driver();
        for (String id : d.listOwned(nodeId)) {
            d.destroy(new ContainerHandle(id, "runc", Instant.now(), Map.of()));
        }
        assertTrue(d.listOwned(nodeId).isEmpty(), "no container left behind");
    }

    private RuncDriver driver() {
        return RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
    }

    private static AppDescriptor descriptor() throws Exception {
        try (JarFile jar = new JarFile(BUNDLE.toFile())) {
            Map<String, String> headers = new HashMap<>();
            jar.getManifest().getMainAttributes().forEach((k, v) -> headers.put(k.toString(), v.toString()));
            return AppDescriptor.fromHeaders(headers);
        }
    }

    private Object next(String container) throws Exception {
        Object o = fromApp.poll(90, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("the calculator said nothing; its container's log:\n"
                    + manager.logs(container, 0, 64 * 1024).text() + "\nits log lines: " + logs);
        }
        return o;
    }

    /**
     * Plays the node until the HTTP reply with the given id comes: relays part requests to the
     * container itself, and answers the first request addressed to {@code leaving} with that
     * member leaving instead.
     */
    private HttpResponse serve(String container, long httpId, MemberRef leaving) throws Exception {
        Map<Long, long[]> relayed = new HashMap<>();
        Map<Long, MemberRef> askedOf = new HashMap<>();
        long nextRelay = 10_000 * httpId;
        boolean left = false;
        while (true) {
            Object o = next(container);
            if (o instanceof BridgeCommand.Log l) {
                logs.add(l.message());
            } else if (o instanceof BridgeCommand.Request r) {
                assertEquals(Part.TOPIC, r.topic());
                MemberRef to = r.to().equals(b.id()) ? b : r.to().equals(c.id()) ? c : null;
                assertTrue(to != null, "a part asked of an unknown member " + r.to());
                if (leaving != null && to.equals(leaving)) {
                    assertFalse(left, "the coordinator asked a member that had left");
                    left = true;
                    bridge.deliver(new BridgeEvent.MemberLeft(leaving));
                    continue;
                }
                long relay = ++nextRelay;
                relayed.put(relay, new long[] {r.id()});
                askedOf.put(relay, to);
                // the member is played by the same container: the real code computes the part
                bridge.deliver(new BridgeEvent.Request(relay, a, r.topic(), r.payload()));
            } else if (o instanceof BridgeCommand.Reply rep) {
                long[] orig = relayed.remove(rep.id());
                assertTrue(orig != null, "a reply to nothing: " + rep.id());
                bridge.deliver(new BridgeEvent.Reply(orig[0], askedOf.remove(rep.id()), rep.payload()));
            } else if (o instanceof BridgeCommand.ReplyError err) {
                long[] orig = relayed.remove(err.id());
                bridge.deliver(new BridgeEvent.RequestFailed(orig[0], err.reason()));
            } else if (o instanceof BridgeCommand.HttpReply h) {
                assertEquals(httpId, h.id());
                assertTrue(leaving == null || left, "the member to lose was asked for a part");
                return h.response();
            } else {
                throw new AssertionError("unexpected from the calculator: " + o);
            }
        }
    }

    private static HttpRequest eval(String expr) {
        return new HttpRequest("GET", "/api/eval", "expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8),
                Map.of("accept", List.of("application/json")), new byte[0]);
    }

    @Test
    void givenTheCalculatorInRunc_whenAnExpressionComesOverTheBridgeAndAMemberLeaves_thenTheAnswerIsStillRight()
            throws Exception {
        AppDescriptor app = descriptor();
        assertEquals("calculator", app.name());
        assertEquals(3, app.size());
        Path member = Files.createDirectories(dir.resolve("apps").resolve("calculator-1"));
        RuntimeLaunch launch = new RuntimeLaunch(app, BUNDLE, Files.createDirectory(member.resolve("bridge")),
                Files.createDirectory(member.resolve("work")), "calculator-1");
        BundleRuntime runtime = new BundleRuntime(images);
        RuntimePlan plan = runtime.prepare(launch);
        bridge = NodeBridge.open(launch.bridgeDirectory(), plan.transport(), BridgeLimits.DEFAULTS,
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
        manager.run(plan.container());

        bridge.deliver(new BridgeEvent.Started("calculator", a, List.of(a, b, c), a.id()));
        Object started = next("calculator-1");
        assertEquals(new BridgeCommand.Log("calculator started on node-a (3 members, coordinator=true)"), started);

        bridge.deliver(new BridgeEvent.Http(1, new HttpRequest("GET", "/", "", Map.of(), new byte[0])));
        HttpResponse page = serve("calculator-1", 1, null);
        assertEquals(200, page.status());
        assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("<input id=\"expr\""));

        bridge.deliver(new BridgeEvent.Http(2, eval("(1+2)*(3+4) - 2^3^2")));
        HttpResponse r = serve("calculator-1", 2, c);
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(200, r.status(), text);
        JsonNode body = JSON.readTree(text);
        assertEquals(-491, body.get("result").asInt(), text);
        assertEquals(6, body.get("parts").size(), text);
        boolean resent = false;
        List<String> who = new ArrayList<>();
        for (JsonNode p : body.get("parts")) {
            who.add(p.get("member").asText());
            resent |= p.get("attempts").asInt() > 1;
        }
        assertFalse(who.contains("node-c"), "the member that left computed nothing: " + text);
        assertTrue(who.contains("node-a") && who.contains("node-b"), text);
        assertTrue(resent, "the part node-c held was sent again: " + text);
        assertTrue(logs.stream().anyMatch(l -> l.contains("failed on cc03 (the member left)")), logs.toString());

        bridge.deliver(new BridgeEvent.Http(3, eval("1 / (2 - 2)")));
        HttpResponse zero = serve("calculator-1", 3, null);
        assertEquals(422, zero.status());
        assertTrue(JSON.readTree(zero.body()).get("error").asText().contains("division by zero"));

        bridge.deliver(new BridgeEvent.Http(4, eval("2 * (3 + ")));
        HttpResponse bad = serve("calculator-1", 4, null);
        assertEquals(400, bad.status());

        bridge.deliver(new BridgeEvent.Stopped());
        assertEquals(0, manager.waitFor("calculator-1", Duration.ofSeconds(60)).orElseThrow().exitCode());
        assertEquals(0, bridge.stats().malformed());
        String log = manager.logs("calculator-1", 0, 65536).text();
        assertFalse(log.contains("Exception"), "the container's log is clean: " + log);
        manager.destroy("calculator-1");
    }
}
