package org.ringfellow.examples.summarizer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;

class SummarizerAppTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static HttpResponse post(SummarizerApp app, byte[] body) throws Exception {
        return app.http(new HttpRequest("POST", "/api/summarize", "", Map.of(), body)).toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    static byte[] body(List<String> documents, int length, int generations, double seconds, int patience) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("documents", documents);
        m.put("length", length);
        m.put("unit", "words");
        m.put("budget", Map.of("generations", generations, "seconds", seconds, "patience", patience));
        m.put("migrateEvery", 5);
        return Wire.write(m);
    }

    static JsonNode json(HttpResponse r) throws Exception {
        return JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void threeIslandsSummarizeMigrateAndAnswerWithOrigins() throws Exception {
        try (FakeFellowship f = new FakeFellowship()) {
            SummarizerApp coordinator = new SummarizerApp();
            f.add("a1", "node-a", coordinator);
            f.add("b2", "node-b", new SummarizerApp());
            f.add("c3", "node-c", new SummarizerApp());
            List<String> docs = Texts.cluster(4, 25, 3);
            HttpResponse r = post(coordinator, body(docs, 80, 60, 20, 0));
            JsonNode a = json(r);
            assertEquals(200, r.status(), a.toString());
            assertEquals("generations", a.get("stoppedBy").asText());
            assertTrue(a.get("words").asInt() <= 80 && a.get("words").asInt() > 0);
            Set<String> names = new HashSet<>();
            for (JsonNode m : a.get("members")) {
                names.add(m.get("name").asText());
                assertEquals(60, m.get("generations").asInt());
                assertEquals(61, m.get("history").size(), "one point per generation and the random one");
                assertEquals(0, m.get("rejectedMigrants").asInt());
                double last = -2;
                for (JsonNode p : m.get("history")) {
                    assertTrue(p.get(1).asDouble() >= last);
                    last = p.get(1).asDouble();
                }
            }
            assertEquals(Set.of("node-a", "node-b", "node-c"), names);
            assertTrue(names.contains(a.get("winner").get("name").asText()));
            Corpus c = Corpus.of(docs);
            int[] genes = new int[a.get("summary").size()];
            int i = 0;
            for (JsonNode s : a.get("summary")) {
                Corpus.Sentence sentence = c.sentences().get(s.get("sentence").asInt());
                assertEquals(sentence.text(), s.get("text").asText());
                assertEquals(sentence.document() + 1, s.get("document").asInt());
                assertEquals(sentence.position() + 1, s.get("position").asInt());
                genes[i++] = sentence.index();
            }
            assertEquals(new Fitness(c).of(genes), a.get("fitness").asDouble(), 0);
            assertTrue(f.messages.get() > 3 * 60 / 5, "migrations and reports crossed the fellowship");
        }
    }

    @Test
    void aLiarsMigrantsAndReportsAreRejectedAndCounted() throws Exception {
        try (FakeFellowship f = new FakeFellowship()) {
            SummarizerApp coordinator = new SummarizerApp();
            f.add("a1", "node-a", coordinator);
            f.add("b2", "node-b", new SummarizerApp(0.25)); // claims a quarter more than it has
            FakeFellowship.Member c = f.add("c3", "node-c", new SummarizerApp());
            // 1,000 generations: many evolve slices, between which node-c's loop takes the migrants in
            // (40 generations fitted in one 20 ms slice on a quiet machine, and none arrived in time)
            JsonNode a = json(post(coordinator, body(Texts.cluster(3, 25, 4), 60, 1000, 20, 0)));
            assertTrue(a.get("rejectedReports").asInt() > 0, a.toString());
            assertFalse(a.get("winner").get("name").asText().equals("node-b"), "the liar's best is never credited");
            // node-c receives node-b's migrants (next by id) and rejects every one
            JsonNode nodeC = null;
            for (JsonNode m : a.get("members")) {
                if (m.get("name").asText().equals("node-c")) {
                    nodeC = m;
                }
            }
            assertTrue(nodeC.get("rejectedMigrants").asInt() > 0, a.toString());
            assertTrue(c.log.stream().anyMatch(l -> l.contains("rejected") && l.contains("claimed fitness")), c.log.toString());
        }
    }

    @Test
    void aRunWhoseIslandsStopOnTheirWallTimeSaysItStoppedByTime() throws Exception {
        try (FakeFellowship f = new FakeFellowship()) {
            SummarizerApp coordinator = new SummarizerApp();
            f.add("a1", "node-a", coordinator);
            f.add("b2", "node-b", new SummarizerApp());
            // 5,000 generations of a 400-word summary take seconds; the islands stop on 0.3 s of wall time
            JsonNode a = json(post(coordinator, body(Texts.cluster(4, 200, 6), 400, 5000, 0.3, 0)));
            assertEquals("time", a.get("stoppedBy").asText(), "after " + a.get("seconds") + " s");
            for (JsonNode m : a.get("members")) {
                assertTrue(m.get("generations").asInt() < 5000, m.get("name") + ": " + m.get("generations"));
            }
        }
    }

    @Test
    void aMemberKilledMidRunLosesOnlyItsIsland() throws Exception {
        try (FakeFellowship f = new FakeFellowship()) {
            SummarizerApp coordinator = new SummarizerApp();
            f.add("a1", "node-a", coordinator);
            f.add("b2", "node-b", new SummarizerApp());
            f.add("c3", "node-c", new SummarizerApp());
            var answer = coordinator.http(new HttpRequest("POST", "/api/summarize", "", Map.of(),
                    body(Texts.cluster(4, 40, 5), 80, 3000, 20, 0))).toCompletableFuture();
            // wait until node-c has reported, then kill it
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (f.members.get("c3").log.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            f.kill("c3");
            JsonNode a = json(answer.get(60, TimeUnit.SECONDS));
            assertEquals(3, a.get("members").size(), a.toString());
            for (JsonNode m : a.get("members")) {
                assertEquals(m.get("name").asText().equals("node-c"), m.get("lost").asBoolean(), a.toString());
            }
            assertEquals("generations", a.get("stoppedBy").asText());
            assertFalse(a.get("winner").get("name").asText().equals("node-c"));
        }
    }

    @Test
    void badInputGetsAClearErrorAndTheAppKeepsServing() throws Exception {
        try (FakeFellowship f = new FakeFellowship()) {
            SummarizerApp app = new SummarizerApp();
            f.add("a1", "node-a", app);
            assertError(app, "{}".getBytes(), 400, "no document");
            assertError(app, "{\"documents\": []}".getBytes(), 400, "no document");
            assertError(app, Wire.write(Map.of("documents", List.of("Some text here.", " "))), 400, "document 2 is empty");
            assertError(app, Wire.write(Map.of("documents", List.of("ELF\u0000\u0001binary"))), 400, "binary");
            assertError(app, "{\"documents\": [\"a\"".getBytes(), 400, "not valid JSON");
            assertError(app, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, 400, "not valid JSON");
            assertError(app, new byte[RunSpec.MAX_BODY + 1], 413, "more than");
            assertError(app, Wire.write(Map.of("documents", List.of("A short text. Only two sentences."), "length", 500)),
                    422, "not shorter than the input");
            assertError(app, Wire.write(Map.of("documents", List.of("x"), "length", 0)), 400, "length must be");
            assertError(app, Wire.write(Map.of("documents", List.of("x"), "unit", "pages")), 400, "'pages'");
            HttpResponse get = app.http(new HttpRequest("GET", "/api/summarize", "", Map.of(), new byte[0]))
                    .toCompletableFuture().get();
            assertEquals(405, get.status());
            assertEquals(404, app.http(new HttpRequest("GET", "/nope", "", Map.of(), new byte[0])).toCompletableFuture()
                    .get().status());
            HttpResponse page = app.http(new HttpRequest("GET", "/", "", Map.of(), new byte[0])).toCompletableFuture().get();
            assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("api/summarize"));
            // one document is summarized as a single-document summary; still serving after all of the above
            HttpResponse one = post(app, body(Texts.cluster(1, 30, 9), 40, 20, 10, 0));
            assertEquals(200, one.status(), new String(one.body(), StandardCharsets.UTF_8));
        }
    }

    private static void assertError(SummarizerApp app, byte[] body, int status, String text) throws Exception {
        HttpResponse r = post(app, body);
        JsonNode a = json(r);
        assertEquals(status, r.status(), a.toString());
        assertTrue(a.get("error").asText().contains(text), a.toString());
        assertEquals(1, a.size());
    }
}
