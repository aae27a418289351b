package org.ringfellow.examples.calculator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.AppMessage;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;

/** The calculator on a fellowship of three in memory: right answers, spread over members, and members that fail. */
class CalculatorAppTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Guards against a hang; no test waits this long when the code works. */
    static final long PATIENCE_S = 60;

    FakeFellowship fellowship = new FakeFellowship();
    FakeFellowship.Member a;
    FakeFellowship.Member b;
    FakeFellowship.Member c;

    void threeMembers(Duration partTimeout) {
        a = fellowship.add("aa01", "node-a", new CalculatorApp(partTimeout, Duration.ofSeconds(PATIENCE_S)));
        b = fellowship.add("bb02", "node-b", new CalculatorApp(partTimeout, Duration.ofSeconds(PATIENCE_S)));
        c = fellowship.add("cc03", "node-c", new CalculatorApp(partTimeout, Duration.ofSeconds(PATIENCE_S)));
    }

    @AfterEach
    void stop() {
        fellowship.close();
    }

    static HttpResponse get(FakeFellowship.Member m, String path, String query) throws Exception {
        return m.app.http(new HttpRequest("GET", path, query, Map.of(), new byte[0])).toCompletableFuture()
                .get(PATIENCE_S, TimeUnit.SECONDS);
    }

    static HttpResponse eval(FakeFellowship.Member m, String expr) throws Exception {
        return get(m, "/api/eval", "expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    }

    static JsonNode json(HttpResponse r) throws Exception {
        assertTrue(r.headers().get("Content-Type").startsWith("application/json"), r.headers().toString());
        return JSON.readTree(r.body());
    }

    @Test
    void givenThreeMembers_whenAnExpressionIsEvaluated_thenTheResultIsRightAndEveryMemberComputedAPart()
            throws Exception {
        threeMembers(Duration.ofSeconds(PATIENCE_S));
        HttpResponse r = eval(a, "(1+2)*(3+4) - 2^3^2");
        assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode body = json(r);
        assertEquals(-491, body.get("result").asInt());
        assertEquals("-491", body.get("resultText").asText());
        assertEquals("(1 + 2) * (3 + 4) - 2 ^ 3 ^ 2", body.get("expr").asText());
        JsonNode parts = body.get("parts");
        assertEquals(6, parts.size(), parts.toString());
        Set<String> members = new HashSet<>();
        for (JsonNode p : parts) {
            members.add(p.get("member").asText());
            assertEquals(1, p.get("attempts").asInt());
        }
        assertEquals(Set.of("node-a", "node-b", "node-c"), members, parts.toString());
        // each part names the sub-expression and the numbers the member was given
        JsonNode last = parts.get(parts.size() - 1);
        assertEquals("(1 + 2) * (3 + 4) - 2 ^ 3 ^ 2", last.get("expr").asText());
        assertEquals("21 - 512", last.get("computed").asText());
        assertEquals(-491, last.get("value").asInt());
        assertTrue(b.answered > 0 && c.answered > 0, "both other members answered requests");
    }

    @Test
    void givenAMemberThatDiesWhileComputingAPart_whenItLeaves_thenItsPartIsSentElsewhereAndTheAnswerIsRight()
            throws Exception {
        // a part timeout far beyond the test's patience: only memberLeft can rescue the request
        threeMembers(Duration.ofMinutes(10));
        b.silent = true;
        CompletableFuture<HttpResponse> pending = a.app.http(new HttpRequest("GET", "/api/eval",
                "expr=" + URLEncoder.encode("(1+2)*(3+4)+(5+6)*(7+8)", StandardCharsets.UTF_8), Map.of(),
                new byte[0])).toCompletableFuture();
        AppMessage taken = b.swallowed.poll(PATIENCE_S, TimeUnit.SECONDS);
        assertTrue(taken != null, "node-b was asked for a part");
        assertFalse(pending.isDone(), "the answer waits for node-b's part");
        fellowship.kill("bb02");

        HttpResponse r = pending.get(PATIENCE_S, TimeUnit.SECONDS);
        assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode body = json(r);
        assertEquals(186, body.get("result").asInt());
        boolean retried = false;
        for (JsonNode p : body.get("parts")) {
            assertFalse(p.get("member").asText().equals("node-b"), "a dead member computed nothing: " + p);
            retried |= p.get("attempts").asInt() > 1;
        }
        assertTrue(retried, "the lost part was sent again: " + body);
        assertTrue(a.log.stream().anyMatch(l -> l.contains("failed on bb02 (the member left)")), a.log.toString());

        // the next expression goes to the members that are left
        JsonNode next = json(eval(a, "1+1+1+1+1+1"));
        assertEquals(6, next.get("result").asInt());
        for (JsonNode p : next.get("parts")) {
            assertFalse(p.get("member").asText().equals("node-b"), p.toString());
        }
    }

    @Test
    void givenAMemberThatNeverAnswers_whenItsPartTimesOut_thenAnotherMemberComputesItAndTheAnswerIsRight()
            throws Exception {
        threeMembers(Duration.ofMillis(300));
        c.silent = true;
        JsonNode body = json(eval(a, "1*2*3*4*5*6*7*8"));
        assertEquals(40320, body.get("result").asInt());
        assertFalse(c.swallowed.isEmpty(), "node-c was asked");
        for (JsonNode p : body.get("parts")) {
            assertFalse(p.get("member").asText().equals("node-c"), p.toString());
        }
        assertTrue(a.log.stream().anyMatch(l -> l.contains("failed on cc03")), a.log.toString());
    }

    @Test
    void givenEveryOtherMemberSilent_whenEvaluated_thenTheCoordinatorComputesTheLostPartsItself() throws Exception {
        threeMembers(Duration.ofMillis(200));
        b.silent = true;
        c.silent = true;
        JsonNode body = json(eval(a, "(2+3)*(4+5)"));
        assertEquals(45, body.get("result").asInt());
        for (JsonNode p : body.get("parts")) {
            assertEquals("node-a", p.get("member").asText(), p.toString());
        }
    }

    @Test
    void givenBadExpressions_whenEvaluated_thenAClearJsonErrorWithTheRightStatusAndNoStackTrace() throws Exception {
        threeMembers(Duration.ofSeconds(PATIENCE_S));
        record Case(String query, int status, String says) {
        }
        for (Case k : List.of(
                new Case("expr=" + URLEncoder.encode("1 / (3 - 3)", StandardCharsets.UTF_8), 422, "division by zero"),
                new Case("expr=" + URLEncoder.encode("10^999*10^999", StandardCharsets.UTF_8), 422, "too large"),
                new Case("expr=" + URLEncoder.encode("(-8)^(1/3)", StandardCharsets.UTF_8), 422, "no real value"),
                new Case("expr=" + URLEncoder.encode("1 +", StandardCharsets.UTF_8), 400, "ends where a number"),
                new Case("expr=" + URLEncoder.encode("1+".repeat(600) + "1", StandardCharsets.UTF_8), 400,
                        "at most 1000"),
                new Case("expr=" + "(".repeat(60) + "1" + ")".repeat(60), 400, "deeper than 50"),
                new Case("expr=%zz", 400, "not properly URL-encoded"),
                new Case("x=1", 400, "missing parameter"),
                new Case("expr=" + "1".repeat(5000), 400, "query is too long"),
                new Case("expr=" + URLEncoder.encode("\"<script>\"", StandardCharsets.UTF_8), 400, "found '\"'"))) {
            HttpResponse r = get(a, "/api/eval", k.query());
            String text = new String(r.body(), StandardCharsets.UTF_8);
            assertEquals(k.status(), r.status(), k.query() + " -> " + text);
            JsonNode body = json(r);
            assertTrue(body.get("error").asText().contains(k.says()), k.query() + " -> " + text);
            assertFalse(text.contains("Exception") || text.contains("\tat "), text);
            assertFalse(text.contains("<script>"), "markup is escaped in JSON: " + text);
        }
        JsonNode syntax = json(eval(a, "2 * (3 + )"));
        assertEquals(9, syntax.get("position").asInt());
        assertEquals("2 * (3 + )", syntax.get("expr").asText());
    }

    @Test
    void givenThePage_whenFetched_thenItIsAFormThatCallsTheApiAndOtherPathsAre404() throws Exception {
        threeMembers(Duration.ofSeconds(PATIENCE_S));
        HttpResponse page = get(a, "/", "");
        assertEquals(200, page.status());
        assertTrue(page.headers().get("Content-Type").startsWith("text/html"));
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<input id=\"expr\"") && html.contains("<button id=\"go\"")
                && html.contains("fetch('api/eval?expr='"), html);
        assertFalse(html.contains("http://") || html.contains("https://"), "no external resources");

        HttpResponse missing = get(a, "/nothing", "");
        assertEquals(404, missing.status());
        assertTrue(json(missing).get("error").asText().contains("/api/eval"));
        HttpResponse post = a.app.http(new HttpRequest("POST", "/api/eval", "expr=1", Map.of(), new byte[0]))
                .toCompletableFuture().get(PATIENCE_S, TimeUnit.SECONDS);
        assertEquals(405, post.status());
        assertEquals("GET", post.headers().get("Allow"));
    }

    @Test
    void givenAPartRequest_whenAMemberAnswers_thenItComputesExactlyOrSaysWhyNot() throws Exception {
        CalculatorApp app = new CalculatorApp();
        MemberRef from = new MemberRef("aa01", "node-a", true);
        byte[] ok = app.request(new AppMessage(from, Part.TOPIC, "* 1.5 4".getBytes(StandardCharsets.UTF_8), 1))
                .toCompletableFuture().get();
        assertEquals("ok 6.0", new String(ok, StandardCharsets.UTF_8));
        byte[] neg = app.request(new AppMessage(from, Part.TOPIC, "neg 2E+5".getBytes(StandardCharsets.UTF_8), 2))
                .toCompletableFuture().get();
        assertEquals("ok -2E+5", new String(neg, StandardCharsets.UTF_8));
        byte[] err = app.request(new AppMessage(from, Part.TOPIC, "/ 1 0".getBytes(StandardCharsets.UTF_8), 3))
                .toCompletableFuture().get();
        assertEquals("err division by zero", new String(err, StandardCharsets.UTF_8));
        for (String bad : new String[] {"% 1 2", "+ 1", "+ 1 x", "neg", "+ 1 2 3", "x".repeat(500)}) {
            CompletableFuture<byte[]> f = app.request(new AppMessage(from, Part.TOPIC,
                    bad.getBytes(StandardCharsets.UTF_8), 4)).toCompletableFuture();
            assertTrue(f.isCompletedExceptionally(), bad);
        }
        assertTrue(app.request(new AppMessage(from, "other", new byte[0], 5)).toCompletableFuture()
                .isCompletedExceptionally());
    }

    @Test
    void givenOneMember_whenEvaluated_thenItComputesEverythingItself() throws Exception {
        FakeFellowship.Member solo = fellowship.add("aa01", "solo", new CalculatorApp());
        JsonNode body = json(eval(solo, "-(3 - 5) ^ 2"));
        assertEquals(-4, body.get("result").asInt());
        assertEquals(3, body.get("parts").size());
        assertEquals("3 - 5", body.get("parts").get(0).get("computed").asText());
        assertEquals("-2 ^ 2", body.get("parts").get(1).get("computed").asText());
        assertEquals("-(4)", body.get("parts").get(2).get("computed").asText());
        JsonNode literal = json(eval(solo, "42"));
        assertEquals(42, literal.get("result").asInt());
        assertEquals(0, literal.get("parts").size());
    }
}
