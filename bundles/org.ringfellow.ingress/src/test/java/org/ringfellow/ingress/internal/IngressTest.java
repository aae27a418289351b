package org.ringfellow.ingress.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;

class IngressTest {

    /** Records what it is given and answers as told. */
    static final class FakeGateway implements AppGateway {
        final List<String> apps = new ArrayList<>();
        final List<HttpRequest> requests = new ArrayList<>();
        CompletionStage<HttpResponse> answer = CompletableFuture.completedFuture(
                HttpResponse.text(200, "text/plain", "hello"));

        @Override
        public CompletionStage<HttpResponse> forward(String app, HttpRequest request) {
            apps.add(app);
            requests.add(request);
            return answer;
        }
    }

    record FakeExchange(String method, String rawPath, String query, List<Map.Entry<String, String>> headers,
            long contentLength, InputStream body) implements Exchange {

        static FakeExchange get(String path, String query) {
            return new FakeExchange("GET", path, query, List.of(Map.entry("Host", "node-a:8181")), -1, bytes(new byte[0]));
        }
    }

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    final FakeGateway gateway = new FakeGateway();
    Optional<AppGateway> present = Optional.of(gateway);
    final Ingress ingress = new Ingress(() -> present, IngressLimits.DEFAULTS);

    static HttpResponse answer(CompletionStage<HttpResponse> s) {
        CompletableFuture<HttpResponse> f = s.toCompletableFuture();
        assertTrue(f.isDone(), "answered at once");
        return f.join();
    }

    static String text(HttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void givenARequestUnderAnApp_whenHandled_thenTheGatewayGetsTheAppTheRestOfThePathLowerCaseHeadersAndTheBody() {
        byte[] body = "a=1".getBytes(StandardCharsets.UTF_8);
        HttpResponse r = answer(ingress.handle(new FakeExchange("POST", "/apps/calculator/api/eval%20x", "expr=1%2B2",
                List.of(Map.entry("Content-Type", "text/plain"), Map.entry("X-Trace", "1"), Map.entry("x-trace", "2"),
                        Map.entry("Connection", "keep-alive"), Map.entry("Content-Length", "3")), 3, bytes(body))));
        assertEquals(200, r.status());
        assertEquals("hello", text(r));
        assertEquals(List.of("calculator"), gateway.apps);
        HttpRequest req = gateway.requests.get(0);
        assertEquals("POST", req.method());
        assertEquals("/api/eval%20x", req.path());
        assertEquals("expr=1%2B2", req.query());
        assertEquals(List.of("1", "2"), req.headers().get("x-trace"));
        assertEquals(List.of("text/plain"), req.headers().get("content-type"));
        assertFalse(req.headers().containsKey("connection"), "hop-by-hop headers stay with the connection");
        assertFalse(req.headers().containsKey("Content-Type"), "names are lower case");
        assertArrayEquals(body, req.body());
        assertEquals(1, ingress.forwarded());
    }

    @Test
    void givenTheAppsRoot_whenHandled_thenThePathBelowIsSlash() {
        answer(ingress.handle(FakeExchange.get("/apps/calculator/", "")));
        assertEquals("/", gateway.requests.get(0).path());
        assertEquals("", gateway.requests.get(0).query());
    }

    @Test
    void givenAnAppNameWithoutTrailingSlash_whenHandled_thenRedirectedToTheAppsRootKeepingTheQuery() {
        HttpResponse r = answer(ingress.handle(FakeExchange.get("/apps/calculator", "a=b")));
        assertEquals(308, r.status());
        assertEquals("/apps/calculator/?a=b", r.headers().get("Location"));
        assertTrue(gateway.requests.isEmpty());
    }

    @Test
    void givenNoOrABadAppName_whenHandled_then404WithAClearBodyAndTheGatewayIsNotAsked() {
        for (String path : List.of("/apps/", "/apps", "/other", "/apps/Calc/", "/apps/a_b/x", "/apps/%2e%2e/x",
                "/apps/" + "a".repeat(33) + "/")) {
            HttpResponse r = answer(ingress.handle(FakeExchange.get(path, "")));
            assertEquals(404, r.status(), path);
            assertTrue(text(r).contains("app"), text(r));
            assertTrue(r.headers().get("Content-Type").startsWith("text/plain"));
        }
        assertTrue(gateway.requests.isEmpty());
        assertEquals(7, ingress.refusals().get("name"));
    }

    @Test
    void givenABodyOverTheLimit_whenDeclaredOrStreamed_then413AndNothingForwarded() {
        int max = IngressLimits.DEFAULTS.maxBodyBytes();
        HttpResponse declared = answer(ingress.handle(new FakeExchange("POST", "/apps/x/", "", List.of(), max + 1L,
                bytes(new byte[0]))));
        assertEquals(413, declared.status());
        assertTrue(text(declared).contains("at most 1048576 bytes"), text(declared));
        // chunked: no length declared, the ingress stops reading one byte past the limit
        AtomicInteger read = new AtomicInteger();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 'x';
            }
        };
        HttpResponse streamed = answer(ingress.handle(new FakeExchange("POST", "/apps/x/", "", List.of(), -1,
                endless)));
        assertEquals(413, streamed.status());
        assertEquals(max + 1, read.get());
        HttpResponse exactly = answer(ingress.handle(new FakeExchange("POST", "/apps/x/", "", List.of(), max,
                bytes(new byte[max]))));
        assertEquals(200, exactly.status());
        assertEquals(max, gateway.requests.get(0).body().length);
        assertEquals(2, ingress.refusals().get("body"));
    }

    @Test
    void givenTooManyOrTooLargeHeaders_whenHandled_then431() {
        List<Map.Entry<String, String>> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(Map.entry("x-h" + i, "v"));
        }
        HttpResponse r = answer(ingress.handle(new FakeExchange("GET", "/apps/x/", "", many, -1, bytes(new byte[0]))));
        assertEquals(431, r.status());
        HttpResponse big = answer(ingress.handle(new FakeExchange("GET", "/apps/x/", "",
                List.of(Map.entry("cookie", "c".repeat(17_000))), -1, bytes(new byte[0]))));
        assertEquals(431, big.status());
        assertTrue(text(big).contains("100 lines and 16384 bytes"), text(big));
        assertTrue(gateway.requests.isEmpty());
    }

    @Test
    void givenALongPathOrQuery_whenHandled_then414() {
        assertEquals(414, answer(ingress.handle(FakeExchange.get("/apps/x/" + "p".repeat(2100), ""))).status());
        assertEquals(414, answer(ingress.handle(FakeExchange.get("/apps/x/", "q=" + "1".repeat(9000)))).status());
        assertTrue(gateway.requests.isEmpty());
    }

    @Test
    void givenNoGateway_whenHandled_then503WithRetryAfterAndAClearBody() {
        present = Optional.empty();
        HttpResponse r = answer(ingress.handle(FakeExchange.get("/apps/calculator/", "")));
        assertEquals(503, r.status());
        assertEquals("5", r.headers().get("Retry-After"));
        assertTrue(text(r).contains("no app gateway"), text(r));
    }

    @Test
    void givenTheGatewaysAnswers_whenPassedOn_thenStatusAndRetryAfterKeptAndDangerousHeadersDropped() {
        gateway.answer = CompletableFuture.completedFuture(new HttpResponse(503, Map.of("Retry-After", "3",
                "X-Evil", "a\r\nSet-Cookie: x=1", "Bad Name", "v", "Transfer-Encoding", "chunked"),
                "starting".getBytes(StandardCharsets.UTF_8)));
        HttpResponse r = answer(ingress.handle(FakeExchange.get("/apps/calculator/", "")));
        assertEquals(503, r.status());
        assertEquals(Map.of("Retry-After", "3"), r.headers());
        assertEquals("starting", text(r));

        gateway.answer = CompletableFuture.completedFuture(new HttpResponse(1000, Map.of(), new byte[0]));
        assertEquals(502, answer(ingress.handle(FakeExchange.get("/apps/calculator/", ""))).status());

        gateway.answer = CompletableFuture.failedFuture(new IOException("fellowship unreachable"));
        HttpResponse failed = answer(ingress.handle(FakeExchange.get("/apps/calculator/", "")));
        assertEquals(502, failed.status());
        assertTrue(text(failed).contains("fellowship unreachable"), text(failed));
    }

    @Test
    void givenAGatewayThatThrows_whenHandled_then502NotAnException() {
        present = Optional.of((app, request) -> {
            throw new IllegalStateException("bug in the gateway");
        });
        HttpResponse r = answer(ingress.handle(FakeExchange.get("/apps/calculator/", "")));
        assertEquals(502, r.status());
        assertTrue(text(r).contains("bug in the gateway"));
    }

    @Test
    void givenALateAnswer_whenItComes_thenTheStageCompletesWithIt() {
        CompletableFuture<HttpResponse> later = new CompletableFuture<>();
        gateway.answer = later;
        CompletableFuture<HttpResponse> f = ingress.handle(FakeExchange.get("/apps/calculator/", "")).toCompletableFuture();
        assertFalse(f.isDone());
        later.complete(HttpResponse.text(201, "text/plain", "made"));
        assertEquals(201, f.join().status());
    }

    @Test
    void givenARequestAnotherNodesGatewayPassedOn_whenHandled_thenTheHopHeaderReachesTheGatewaySoItIsNotPassedOnAgain() {
        HttpResponse r = answer(ingress.handle(new FakeExchange("GET", "/apps/calculator/", "",
                List.of(Map.entry("X-Ringfellow-Hop", "1")), -1, bytes(new byte[0]))));
        assertEquals(200, r.status());
        assertEquals(List.of("1"), gateway.requests.get(0).headers().get(AppGateway.HOP_HEADER));
        assertEquals(1, ingress.hops());
    }
}
