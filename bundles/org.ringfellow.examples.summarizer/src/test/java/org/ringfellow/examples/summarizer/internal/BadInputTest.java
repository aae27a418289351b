package org.ringfellow.examples.summarizer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.HttpResponse;

/**
 * Issue 13 point 7, one test per case of the table in {@code docs/summarizer.md} ("Bad input"): each
 * gets a clear error or the documented behaviour, and after each one the same app still answers a
 * valid request ({@link #theAppStillServes}).
 */
class BadInputTest {

    private FakeFellowship fellowship;
    private SummarizerApp app;

    @BeforeEach
    void start() {
        fellowship = new FakeFellowship();
        app = new SummarizerApp();
        fellowship.add("a1", "node-a", app);
        fellowship.add("b2", "node-b", new SummarizerApp());
    }

    @AfterEach
    void theAppStillServes() throws Exception {
        try {
            HttpResponse r = SummarizerAppTest.post(app, SummarizerAppTest.body(Texts.cluster(2, 12, 77), 30, 5, 10, 0));
            assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
        } finally {
            fellowship.close();
        }
    }

    @Test
    void noDocument() throws Exception {
        assertError("{}".getBytes(StandardCharsets.UTF_8), 400, "no document: the body needs \"documents\"");
        assertError("{\"documents\": []}".getBytes(StandardCharsets.UTF_8), 400, "no document: \"documents\" is empty");
        assertError("{\"documents\": \"just a string\"}".getBytes(StandardCharsets.UTF_8), 400, "documents");
        assertError(new byte[0], 400, "the body is empty, not JSON");
    }

    @Test
    void oneDocumentIsASingleDocumentSummary() throws Exception {
        List<String> one = Texts.cluster(1, 30, 9);
        JsonNode a = ok(SummarizerAppTest.body(one, 40, 20, 10, 0));
        assertEquals(1, a.get("input").get("documents").asInt());
        assertTrue(a.get("words").asInt() > 0 && a.get("words").asInt() <= 40, a.toString());
        for (JsonNode s : a.get("summary")) {
            assertEquals(1, s.get("document").asInt());
            assertTrue(one.get(0).contains(s.get("text").asText()), s.toString());
        }
    }

    @Test
    void anEmptyDocument() throws Exception {
        assertError(Wire.write(Map.of("documents", List.of("Some text here. And more of it.", ""))), 400,
                "document 2 is empty");
        assertError(Wire.write(Map.of("documents", List.of(" \n\t "))), 400, "document 1 is empty");
        // words, but none left to score by once stop words and numbers are set aside
        assertError(Wire.write(Map.of("documents", List.of(Texts.cluster(1, 10, 1).get(0), "It is. Is it? ..."),
                "length", 20)), 422, "document 2 has no words to summarize by");
    }

    /**
     * A 50 MB body: refused by its length before anything reads it. In a node the ingress refuses it
     * first, by its Content-Length before reading, or after at most 1 MiB + 1 bytes of a body sent
     * without one (SummarizerNamespacesIT); here, in the app, the body is refused by its length: the
     * call allocates a few KiB, no copy of the body and no JSON parse.
     */
    @Test
    void aFiftyMegabyteBodyIsRefusedByItsLengthWithoutBeingReadOrCopied() throws Exception {
        byte[] body = new byte[50 << 20];
        byte[] head = "{\"documents\": [\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, body, 0, head.length);
        java.util.Arrays.fill(body, head.length, body.length, (byte) 'a');
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        RunSpec.parse(smallValid()); // warms the class and the parser up
        long warm = threads.getThreadAllocatedBytes(id);
        InputException e = org.junit.jupiter.api.Assertions.assertThrows(InputException.class, () -> RunSpec.parse(body));
        long allocated = threads.getThreadAllocatedBytes(id) - warm;
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("52428800 bytes, more than the 262144 accepted"), e.getMessage());
        assertTrue(allocated < 64 << 10, "refusing 50 MB allocated " + allocated + " bytes (warm-up "
                + (warm - before) + ")");
        assertError(body, 413, "more than the 262144 accepted");
    }

    @Test
    void binaryBytes() throws Exception {
        // bytes that are not UTF-8 JSON at all
        byte[] random = new byte[4096];
        new SplittableRandom(5).nextBytes(random);
        random[0] = '{';
        assertError(random, 400, "not valid JSON");
        assertError(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, 400, "not valid JSON");
        // JSON whose document holds a NUL (an executable, escaped into a string)
        assertError(Wire.write(Map.of("documents", List.of("\u007fELF\u0002\u0001\u0001\u0000\u0000 rest"))), 400,
                "document 1 holds a NUL character at 7: it is binary, not plain text");
        // a binary file read as text by a browser: control and replacement characters throughout
        StringBuilder decoded = new StringBuilder();
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < 2000; i++) {
            decoded.append(r.nextInt(4) == 0 ? '\uFFFD' : r.nextInt(3) == 0 ? (char) (1 + r.nextInt(8)) : 'x');
        }
        assertError(Wire.write(Map.of("documents", List.of(decoded.toString()))), 400, "it is binary, not plain text");
    }

    /**
     * Text in other languages is summarized: sentences are cut by Unicode's rules and words by
     * Lucene's Unicode tokenizer (a CJK ideograph is a term of its own); only the stop words and the
     * stemmer are English, so other languages are scored on unstemmed words, stop words included.
     */
    @Test
    void nonEnglishTextIsSummarizedByUnicodeWordsUnstemmed() throws Exception {
        List<String> docs = List.of(
                "Der Fluss trat nach drei Tagen Regen über die Ufer. Die Bauern brachten ihr Vieh auf die Hügel. "
                        + "Die Brücke an der Mühle wurde gesperrt. Freiwillige füllten Sandsäcke am Ufer. "
                        + "Das Wasser fiel erst am Sonntag. Die Schulen blieben eine Woche geschlossen.",
                "Река вышла из берегов после трёх дней дождя. Фермеры увели скот на холмы. "
                        + "Мост у мельницы закрыли. Добровольцы наполняли мешки песком. "
                        + "Вода начала спадать в воскресенье. Школы были закрыты неделю.",
                "连续三天的大雨使河水漫过了河岸。农民把牛群赶到了山上。磨坊旁的桥被关闭了。"
                        + "志愿者在河边装沙袋。星期天水位开始下降。学校停课了一个星期。");
        JsonNode a = ok(SummarizerAppTest.body(docs, 30, 30, 10, 0));
        assertEquals(18, a.get("input").get("sentences").asInt(), "six sentences in each language: " + a);
        assertTrue(a.get("summary").size() > 0, a.toString());
        for (JsonNode s : a.get("summary")) {
            String text = s.get("text").asText();
            assertTrue(docs.get(s.get("document").asInt() - 1).contains(text), "kept as written: " + text);
        }
    }

    @Test
    void aLengthLargerThanTheInput() throws Exception {
        List<String> small = List.of("A short text. Only two sentences.", "Another text here. It has two as well.");
        assertError(Wire.write(Map.of("documents", small, "length", 500)), 422,
                "a summary of 500 words is not shorter than the input itself (14 words): nothing to summarize");
        assertError(Wire.write(Map.of("documents", small, "length", 4, "unit", "sentences")), 422,
                "not shorter than the input itself (4 sentences)");
        assertError(Wire.write(Map.of("documents", small, "length", Budget.MAX_LIMIT + 1)), 400,
                "length must be a whole number in 1..5000, got 5001");
        // no sentence short enough for the budget
        assertError(Wire.write(Map.of("documents", List.of(Texts.cluster(1, 20, 3).get(0)), "length", 2)), 422,
                "no sentence fits in 2 words");
    }

    @Test
    void inputOverTheBoundsIsRefusedBeforeTheWork() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= Corpus.MAX_DOCUMENTS; i++) {
            many.add("Text " + i + ".");
        }
        assertError(Wire.write(Map.of("documents", many)), 413, "65 documents is more than the 64 accepted");
        String sentences = "Go on now. ".repeat(Corpus.MAX_SENTENCES + 1);
        assertError(Wire.write(Map.of("documents", List.of(sentences))), 413, "more than 6000 sentences");
    }

    private static byte[] smallValid() {
        return "{\"documents\": [\"One.\"]}".getBytes(StandardCharsets.US_ASCII);
    }

    private JsonNode ok(byte[] body) throws Exception {
        HttpResponse r = SummarizerAppTest.post(app, body);
        JsonNode a = SummarizerAppTest.json(r);
        assertEquals(200, r.status(), a.toString());
        return a;
    }

    private void assertError(byte[] body, int status, String text) throws Exception {
        HttpResponse r = SummarizerAppTest.post(app, body);
        JsonNode a = SummarizerAppTest.json(r);
        assertEquals(status, r.status(), a.toString());
        assertTrue(a.get("error").asText().contains(text), a.toString());
        assertEquals(1, a.size(), "only the error: " + a);
    }
}
