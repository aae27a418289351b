package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;

/** Passing a request to another node's ingress: connections kept and reused, bodies bounded, nothing blocked. */
class HttpForwarderTest {

    final HttpForwarder forwarder = new HttpForwarder("x-ringfellow-hop");
    final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    final List<String> hops = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile CountDownLatch together = new CountDownLatch(0);
    HttpServer server;

    void serve(byte[] body) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/apps/calc", ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            hops.add(String.valueOf(ex.getRequestHeaders().getFirst("x-ringfellow-hop")));
            together.countDown();
            try {
                together.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.getResponseHeaders().add("X-Ringfellow-Served-By", "b (0123456789ab)");
            ex.sendResponseHeaders(200, body.length);
            // the body in two writes, so that the client sees it arrive in parts
            ex.getResponseBody().write(body, 0, body.length / 2);
            ex.getResponseBody().flush();
            ex.getResponseBody().write(body, body.length / 2, body.length - body.length / 2);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    HttpResponse get(String path) throws Exception {
        return forwarder.forward("127.0.0.1", server.getAddress().getPort(), "calc",
                new HttpRequest("GET", path, "", Map.of(), new byte[0])).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void givenRequestsOneAfterTheOther_thenOneConnectionCarriesThemAllMarkedAsAHop() throws Exception {
        serve("page".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 20; i++) {
            HttpResponse r = get("/x" + i);
            assertEquals(200, r.status());
            assertEquals("page", new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("b (0123456789ab)", r.headers().get("X-Ringfellow-Served-By"));
        }
        assertEquals(1, clientPorts.size(), "connections opened: " + clientPorts);
        assertEquals(List.of("1"), hops.stream().distinct().toList());
    }

    @Test
    void givenSixteenRequestsInFlight_whenTheServerAnswersOnlyOnceAllAreIn_thenEachIsAnsweredWhole()
            throws Exception {
        byte[] big = new byte[256 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        serve(big);
        together = new CountDownLatch(16);
        List<CompletableFuture<HttpResponse>> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(forwarder.forward("127.0.0.1", server.getAddress().getPort(), "calc",
                    new HttpRequest("GET", "/p" + i, "", Map.of(), new byte[0])).toCompletableFuture());
        }
        for (CompletableFuture<HttpResponse> f : all) {
            HttpResponse r = f.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
            assertEquals(big.length, r.body().length);
        }
    }

    @Test
    void givenAnAnswerOverTheBound_thenItIsA502AndNotKept() throws Exception {
        serve(new byte[HttpForwarder.MAX_BODY + 1]);
        HttpResponse r = get("/big");
        assertEquals(502, r.status());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("the answer is over 16 MiB"),
                new String(r.body(), StandardCharsets.UTF_8));
    }
}
