package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.AppMetrics;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.RingView;
import org.ringfellow.container.tck.InMemoryNode;

/**
 * The DS component passes every call of the services it registers on to its engine: a method the API adds with a
 * default (as {@link AppService#metrics()}) would otherwise answer the default, here an empty list, on a real node.
 */
class AppEngineComponentTest {

    @TempDir
    Path dir;
    final FakeFellowships net = new FakeFellowships();
    AppEngineComponent component;
    HttpServer ingress;

    @AfterEach
    void close() {
        if (component != null) {
            component.deactivate();
        }
        if (ingress != null) {
            ingress.stop(0);
        }
        net.close();
    }

    @Test
    void theComponentDeclaresEveryMethodOfTheServicesItRegisters() {
        List<String> missing = new ArrayList<>();
        for (Class<?> api : List.of(AppService.class, AppGateway.class)) {
            for (Method m : api.getMethods()) {
                if (Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                try {
                    AppEngineComponent.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    missing.add(api.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertEquals(List.of(), missing, "methods the component leaves to the interface's default");
    }

    @Test
    void givenRequestsForAnAppAnotherNodeRuns_whenTheIngressForwardsThem_thenTheComponentsMetricsCountThem()
            throws Exception {
        // the other node's ingress: the status is the request's path
        ingress = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        ingress.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            int status = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
            byte[] body = "ok\n".getBytes();
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        ingress.start();
        EngineThreadsTest.SnapshotRing ring = new EngineThreadsTest.SnapshotRing();
        NodeId self = new NodeId(InMemoryNode.randomId());
        net.add(self, "a");
        Member me = EngineThreadsTest.member(self, "a", MemberState.ALIVE, Map.of());
        ring.view = RingView.of(1, me, List.of(me, EngineThreadsTest.member(new NodeId(InMemoryNode.randomId()), "b",
                MemberState.ALIVE, Map.of(Labels.APPS, "calc", Labels.HTTP,
                        Integer.toString(ingress.getAddress().getPort())))));
        component = new AppEngineComponent(new InMemoryNode(dir.resolve("a"), self.hex()), new InMemoryNode.Store(),
                net.serviceOf(self), EngineThreadsTest.noContainers(), ring, Map.of());
        assertEquals(List.of(), component.metrics(), "no app runs here and none was asked for");

        for (int status : new int[] {200, 201, 302, 404, 500}) {
            assertEquals(status, get(component, "calc", "/" + status, Map.of()).status());
        }
        // not counted: a name no app has, and a request another node already counted and passed on (this node
        // runs no part of calc, so it answers that one 404 rather than pass it on a second time)
        assertEquals(404, get(component, "nope", "/200", Map.of()).status());
        assertEquals(404, get(component, "calc", "/200", Map.of(AppGateway.HOP_HEADER, List.of("1"))).status());

        List<AppMetrics> metrics = component.metrics();
        assertEquals(1, metrics.size(), metrics.toString());
        AppMetrics calc = metrics.get(0);
        assertEquals("calc", calc.app());
        assertEquals(Map.of("2xx", 2L, "3xx", 1L, "4xx", 1L, "5xx", 1L), calc.requests());
        assertEquals(5, calc.requestDuration().count());
        assertTrue(calc.requestDuration().sumSeconds() > 0);
        assertEquals(0, calc.restarts());

        // the Ring no longer shows a member running it: the app is gone, and so are its counts
        ring.view = RingView.of(2, me, List.of(me));
        assertEquals(List.of(), component.metrics());
    }

    private static HttpResponse get(AppGateway gateway, String app, String path, Map<String, List<String>> headers)
            throws Exception {
        return gateway.forward(app, new HttpRequest("GET", path, "", headers, new byte[0])).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }
}
