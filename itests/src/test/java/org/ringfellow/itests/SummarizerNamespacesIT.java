package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.ringfellow.itests.browser.HeadlessChromium;

/**
 * Issue 13 across real nodes: four Karaf nodes, each in a network namespace of its own, with the
 * HTTP ingress, the runc driver and the bundle runtime. The summarizer is deployed with
 * {@code app:deploy} (its size is 3), so one node is outside its fellowship; requests go through
 * that node's ingress, which passes them to a member. A summary comes back within the word budget,
 * made of sentences of the documents, with islands on the three members; the page, in headless
 * Chromium on this machine, takes three typed-in documents and shows the summary, its origins, the
 * plot of every island's fitness and the member that evolved the winner; bodies over the bounds are
 * refused (50 MB declared or chunked: 413 from the ingress; 300 KB: 413 from the app engine) and the
 * app keeps serving; a member that only evolves an island (it neither coordinates nor carries the
 * request, which goes in at the third member) is killed with {@code kill -9} while a run is on, and
 * that run still answers with a valid summary.
 */
public class SummarizerNamespacesIT {

    private static final long TIMEOUT_MILLIS = 180_000;
    private static final int HTTP_PORT = 8181;
    private static final int WORDS = 60;
    private static final Pattern NODE_ID = Pattern.compile("Node id\\s+:\\s+([0-9a-f]{12})");
    /** A member row of app:status: node, name, container, driver, state. */
    private static final Pattern MEMBER = Pattern.compile("^([0-9a-f]{12})\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s");
    /** Test input (fixtures, not data): three documents of 40 sentences from a seeded generator. */
    private static final List<String> DOCUMENTS = documents(3, 120, 1500, 13);
    /** What the page test types into the page's text areas (shorter: typing is key by key). */
    private static final List<String> PAGE_DOCUMENTS = documents(3, 30, 1500, 23);
    /**
     * The run a member is killed in: a long summary (1,500 words, about a tenth of these documents)
     * makes each evaluation costly (redundancy is pairwise over the selected sentences), so the run
     * ends on its 14 s of wall time rather than on generations, which the short summary reaches in
     * ~5 s on a quiet machine; about 105 KB of body, under the bridge's 256 KiB.
     */
    private static final int LONG_WORDS = 1500;
    private static final List<String> LONG_DOCUMENTS = documents(3, 400, 6000, 17);

    private NetworkNamespaces net;
    private final List<KarafNode> nodes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();

    @After
    public void tearDown() throws Exception {
        for (KarafNode n : nodes) {
            n.close();
            RuncLeftovers.remove(n.home());
            if (!Boolean.getBoolean("itests.keep")) {
                KarafNode.deleteTree(n.home());
            }
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    public void givenFourNodes_whenTheSummarizerRunsOnThree_thenTheFourthAnswersAndARunOutlivesAKilledMember()
            throws Exception {
        net = NetworkNamespaces.create("rfsum", 219);
        for (int i = 1; i <= 4; i++) {
            String ns = net.addHost(i);
            namespaces.add(ns);
            KarafNode n = KarafNode.unpack("sum-" + i).inNamespace(ns);
            String ring = "etc/org.ringfellow.ring.cfg";
            n.setProperty(ring, "bindHost", net.address(i));
            n.setProperty(ring, "port", "7946");
            if (i > 1) {
                n.setProperty(ring, "seeds", net.address(1) + ":7946");
            }
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "advertisedHost", net.address(i));
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "channelPort", "7790");
            // the summarizer asks cpu=1, memory=320m per member
            n.setProperty("etc/org.ringfellow.node.cfg", "cpus", "2");
            n.setProperty("etc/org.ringfellow.node.cfg", "memory", "1g");
            n.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(HTTP_PORT));
            n.setProperty("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses", net.address(i));
            nodes.add(n);
        }
        // the seed first, then the other three at once (each start waits for its own console)
        startAndInstall(nodes.get(0));
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (KarafNode n : nodes.subList(1, nodes.size())) {
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    startAndInstall(n);
                } catch (Exception e) {
                    throw new IllegalStateException(n.home() + ": " + e.getMessage(), e);
                }
            }));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        for (KarafNode n : nodes) {
            ids.add(shortId(n));
        }
        assertTrue("the four nodes see each other with runc and the bundle runtime:\n"
                + nodes.get(0).console("ring:members"), poll(() -> nodes.stream().allMatch(n -> readyCount(n) == 4)));

        KarafNode founder = nodes.get(0);
        String version = System.getProperty("ringfellow.version");
        Path jar = founder.home().resolve("system/org/ringfellow/org.ringfellow.examples.summarizer/" + version
                + "/org.ringfellow.examples.summarizer-" + version + ".jar");
        assertTrue(jar + " is in the distribution", Files.isRegularFile(jar));
        String deployed = founder.console("app:deploy " + jar);
        assertTrue(deployed + "\n" + founder.logTail(), deployed.contains("App summarizer is running on 3 member(s)."));
        Map<String, String> members = members(founder);
        assertEquals(founder.console("app:status summarizer"), 3, members.size());
        int outside = -1;
        for (int i = 0; i < ids.size(); i++) {
            if (!members.containsKey(ids.get(i))) {
                outside = i;
            }
        }
        assertTrue("one node is outside the fellowship: " + members + " of " + ids, outside >= 0);
        int out = outside;

        // the page and a summary through the ingress of the node outside the fellowship
        assertTrue("the node outside serves the page", poll(() -> {
            Answer page = request(out, "/apps/summarizer/", null, false);
            return page.status == 200 && page.body.contains("api/summarize");
        }));
        Answer[] last = new Answer[1];
        boolean answered = poll(() -> {
            last[0] = summarize(out, DOCUMENTS, WORDS, 40, 10, 60);
            return last[0].status == 200 && islands(last[0].body).size() == 3;
        });
        assertTrue("node " + (out + 1) + " (outside) answers with islands on the three members: " + last[0] + "\n"
                + founder.console("app:status summarizer"), answered);
        assertValidSummary(last[0].body, DOCUMENTS, WORDS);
        for (String id : islands(last[0].body).keySet()) {
            assertTrue(id + " is a member " + members, members.keySet().stream().anyMatch(id::startsWith));
        }

        // the page in headless Chromium on this machine (joined to the bridge), through the node outside:
        // three documents pasted, the summary shown with its origins, the fitness plot drawn
        net.joinThisMachine();
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open("http://" + net.address(out + 1) + ":" + HTTP_PORT + "/apps/summarizer/");
            browser.driver().findElement(By.id("add")).click();
            List<WebElement> areas = browser.driver().findElements(By.cssSelector("#docs textarea"));
            assertEquals(3, areas.size());
            for (int i = 0; i < 3; i++) {
                areas.get(i).sendKeys(PAGE_DOCUMENTS.get(i));
            }
            for (String[] field : new String[][] {{"length", "" + WORDS}, {"generations", "40"}, {"seconds", "10"}}) {
                WebElement e = browser.driver().findElement(By.id(field[0]));
                e.clear();
                e.sendKeys(field[1]);
            }
            browser.driver().findElement(By.id("go")).click();
            browser.waitForVisible(By.id("result"), Duration.ofSeconds(90));
            List<WebElement> items = browser.driver().findElements(By.cssSelector("#summary li"));
            assertTrue("summary items shown", !items.isEmpty());
            for (WebElement li : items) {
                String text = li.getText();
                String sentence = text.substring(0, text.lastIndexOf(" (document "));
                assertTrue("'" + text + "' shows a sentence of the documents and its origin",
                        PAGE_DOCUMENTS.stream().anyMatch(d -> d.contains(sentence))
                                && text.matches(".*\\(document [123], sentence \\d+\\)$"));
            }
            String meta = browser.driver().findElement(By.id("meta")).getText();
            assertTrue(meta, meta.contains("(budget " + WORDS + " words)"));
            List<WebElement> lines = browser.driver().findElements(By.cssSelector("#plot polyline"));
            assertEquals("best and mean of 3 islands drawn", 6, lines.size());
            for (WebElement l : lines) {
                assertTrue(l.getAttribute("points"), l.getAttribute("points").split(" ").length > 2);
            }
            // the member that evolved the winner: a row of the table, and its best is the best of all rows
            List<WebElement> rows = browser.driver().findElements(By.cssSelector("#members tbody tr"));
            assertEquals(3, rows.size());
            Matcher winner = Pattern.compile("evolved by (\\S+) \\(island (\\d+)\\)").matcher(meta);
            assertTrue(meta, winner.find());
            double best = Double.NEGATIVE_INFINITY;
            Double winnersBest = null;
            for (WebElement row : rows) {
                List<WebElement> cells = row.findElements(By.tagName("td"));
                double b = cells.get(4).getText().equals("-") ? Double.NEGATIVE_INFINITY
                        : Double.parseDouble(cells.get(4).getText());
                best = Math.max(best, b);
                if (cells.get(0).getText().equals(winner.group(2)) && cells.get(1).getText().equals(winner.group(1))) {
                    winnersBest = b;
                }
            }
            assertTrue("the winner " + winner.group() + " is a row of the members' table", winnersBest != null);
            assertEquals("the winner's island has the best fitness of all: " + meta, best, winnersBest, 0.0);
            String legend = String.valueOf(browser.script("return document.getElementById('plot').textContent"));
            assertTrue("the plot's legend names the winner's member: " + legend,
                    legend.contains("island " + winner.group(2) + " (" + winner.group(1) + ")"));
            browser.script("document.getElementById('plot').scrollIntoView()");
            browser.screenshot(Path.of("target", "screenshots", "summarizer.png"));
            List<String> log = browser.browserLog();
            assertTrue("no script error in the page: " + log, log.stream().noneMatch(l -> l.contains("Uncaught")));
        }

        // bodies over the bounds: refused, never read whole (50 MB declared, 50 MB streamed)
        Path big = Files.createTempFile(founder.home(), "big", ".json");
        try {
            writeBody(big, 50 << 20);
            Answer declared = request(out, "/apps/summarizer/api/summarize", big, false);
            assertEquals(declared.toString(), 413, declared.status);
            Answer chunked = request(out, "/apps/summarizer/api/summarize", big, true);
            assertEquals(chunked.toString().substring(0, Math.min(300, chunked.toString().length())), 413,
                    chunked.status);
            // over what the bridge hands an app (256 KiB) but under the ingress's 1 MiB: a prompt 413 from the
            // app engine, on the node outside as on a member that does not coordinate
            writeBody(big, 300_000);
            for (int node : new int[] {out, firstOtherMember(members)}) {
                Answer mid = request(node, "/apps/summarizer/api/summarize", big, false);
                assertEquals("node " + (node + 1) + ": " + mid, 413, mid.status);
                assertTrue(mid.toString(), mid.body.contains("the request body has 300"));
            }
        } finally {
            Files.deleteIfExists(big);
        }

        // kill -9, while a run is on, of a member that only evolves an island: neither the coordinator nor a
        // node the request passes through. The request goes in at the third member, which hands it to the
        // coordinator over the fellowship (through the node outside, it would be passed over HTTP to a member
        // picked at random, and the kill of that member would take the request's connection with it: 502,
        // as with any proxy whose upstream dies mid-request; docs/apps.md)
        int coordinator = coordinatorIndex(members);
        assertTrue("a member coordinates app.summarizer", coordinator >= 0);
        int victim = -1;
        int entry = -1;
        for (int i = 0; i < ids.size(); i++) {
            if (i != coordinator && members.containsKey(ids.get(i))) {
                if (victim < 0) {
                    victim = i;
                } else {
                    entry = i;
                }
            }
        }
        assertTrue("two members besides the coordinator: " + members, victim >= 0 && entry >= 0);
        int in = entry;
        String coordinatorId = ids.get(coordinator);
        int runsBefore = runsStarted(founder, coordinatorId);
        CompletableFuture<Answer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return summarize(in, LONG_DOCUMENTS, LONG_WORDS, 5000, 14, 0);
            } catch (Exception e) {
                return new Answer(-1, e.toString());
            }
        });
        assertTrue("the run starts on the coordinator:\n" + founder.console("app:logs summarizer " + coordinatorId),
                poll(() -> runsStarted(founder, coordinatorId) > runsBefore));
        Thread.sleep(2_000); // the islands evolve on every member
        assertFalse("the run is still on when the member is killed: " + (run.isDone() ? run.get() : ""),
                run.isDone());
        KarafNode killed = nodes.get(victim);
        killed.kill9();
        RuncLeftovers.remove(killed.home());
        Answer after = run.get(120, TimeUnit.SECONDS);
        assertEquals("the run outlives the kill of " + ids.get(victim) + ": " + after + "\n"
                + founder.console("app:logs summarizer " + coordinatorId), 200, after.status);
        assertValidSummary(after.body, LONG_DOCUMENTS, LONG_WORDS);
        Map<String, String> took = islands(after.body);
        System.out.println("run with " + ids.get(victim) + " killed: islands " + took + ", stopped by "
                + field(after.body, "stoppedBy") + " after " + field(after.body, "seconds") + " s");
        String victimId = ids.get(victim);
        assertTrue("the killed member had an island in the run: " + took,
                took.keySet().stream().anyMatch(id -> id.startsWith(victimId)));

        // and it keeps serving
        assertTrue("a summary after the kill", poll(() -> {
            Answer a = summarize(out, DOCUMENTS, WORDS, 30, 10, 60);
            return a.status == 200 && !summarySentences(a.body).isEmpty();
        }));
    }

    private static void startAndInstall(KarafNode n) throws Exception {
        n.start();
        String out = n.console("feature:install ringfellow-ingress ringfellow-driver-runc "
                + "ringfellow-runtime-bundle ringfellow-example-summarizer");
        assertTrue(out, !out.toLowerCase().contains("error"));
    }

    private void assertValidSummary(String body, List<String> documents, int limit) {
        int words = Integer.parseInt(field(body.substring(body.indexOf("\"fitness\"")), "words"));
        assertTrue("within the budget of " + limit + " words: " + body, words > 0 && words <= limit);
        List<String> sentences = summarySentences(body);
        assertTrue("a summary: " + body, !sentences.isEmpty());
        for (String s : sentences) {
            assertTrue("'" + s + "' is a sentence of the documents", documents.stream().anyMatch(d -> d.contains(s)));
        }
    }

    /** The islands of an answer: member id to "lost" or "ran", for each member with a history. */
    private static Map<String, String> islands(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        int members = body.indexOf("\"members\":[");
        if (members < 0) {
            return out;
        }
        for (String part : body.substring(members).split("\\{\"id\":")) {
            Matcher id = Pattern.compile("^\"([0-9a-f]+)\"").matcher(part);
            if (id.find() && part.matches("(?s).*\"history\":\\[\\[.*")) {
                out.put(id.group(1), part.contains("\"lost\":true") ? "lost" : "ran");
            }
        }
        return out;
    }

    /** The first value of a field in a compact JSON text, as text. */
    private static String field(String body, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|([-0-9.eE]+))").matcher(body);
        assertTrue("no " + name + " in " + body, m.find());
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    /** The texts of the summary's sentences (the documents hold no quote, backslash or bracket). */
    private static List<String> summarySentences(String body) {
        int start = body.indexOf("\"summary\":[");
        if (start < 0) {
            return List.of();
        }
        String array = body.substring(start, body.indexOf(']', start));
        Matcher m = Pattern.compile("\"text\":\"([^\"\\\\]*)\"").matcher(array);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private record Answer(int status, String body) {
        @Override
        public String toString() {
            return status + " " + (body.length() > 3000 ? body.substring(0, 3000) + "..." : body);
        }
    }

    private Answer summarize(int node, List<String> documents, int words, int generations, int seconds, int patience)
            throws Exception {
        StringBuilder json = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < documents.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(documents.get(i)).append('"');
        }
        json.append("], \"length\": ").append(words).append(", \"unit\": \"words\", \"budget\": {\"generations\": ")
                .append(generations).append(", \"seconds\": ").append(seconds).append(", \"patience\": ")
                .append(patience).append("}, \"migrateEvery\": 5}");
        Path file = Files.createTempFile(nodes.get(node).home(), "summarize", ".json");
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8);
            return request(node, "/apps/summarizer/api/summarize", file, false);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A JSON body of about {@code bytes} bytes: one document of repeated sentences. */
    private static void writeBody(Path file, int bytes) throws Exception {
        byte[] sentence = "The river rose over the bank. ".getBytes(StandardCharsets.US_ASCII);
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write("{\"documents\": [\"".getBytes(StandardCharsets.US_ASCII));
            for (int n = 0; n < bytes; n += sentence.length) {
                out.write(sentence);
            }
            out.write("\"]}".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * GET (no body) or POST (a file) with curl inside the node's namespace, to the node's own address.
     * {@code chunked} sends the body without a length, as a stream.
     */
    private Answer request(int node, String path, Path body, boolean chunked) throws Exception {
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec(namespaces.get(node)));
        cmd.addAll(List.of("curl", "-sS", "-m", "90", "-w", "\n%{http_code}"));
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@" + body));
            if (chunked) {
                cmd.addAll(List.of("-H", "Transfer-Encoding: chunked"));
            }
        }
        cmd.add("http://" + net.address(node + 1) + ":" + HTTP_PORT + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Answer(-1, "curl did not finish");
        }
        int nl = out.lastIndexOf('\n');
        String code = out.substring(nl + 1).trim();
        return new Answer(code.matches("\\d{3}") ? Integer.parseInt(code) : -1, out.substring(0, Math.max(nl, 0)));
    }

    /** Runs the coordinator's app has begun, from its log. */
    private static int runsStarted(KarafNode viewer, String member) throws Exception {
        int n = 0;
        for (String line : viewer.console("app:logs summarizer " + member).split("\\R")) {
            if (line.contains("summarizer: run ") && line.contains(" islands")) {
                n++;
            }
        }
        return n;
    }

    /** The index of a member of the app that does not coordinate it. */
    private int firstOtherMember(Map<String, String> members) throws Exception {
        int coordinator = coordinatorIndex(members);
        for (int i = 0; i < ids.size(); i++) {
            if (i != coordinator && members.containsKey(ids.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no member besides the coordinator: " + members);
    }

    /** The index of the node that coordinates the summarizer's fellowship, or -1. */
    private int coordinatorIndex(Map<String, String> members) throws Exception {
        for (int i = 0; i < nodes.size(); i++) {
            if (!members.containsKey(ids.get(i))) {
                continue;
            }
            for (String line : nodes.get(i).console("fellowship:list").split("\\R")) {
                if (line.contains("app.summarizer") && line.trim().endsWith(" coordinator")) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The app's members as app:status shows them on a node: short id to "driver STATE". */
    private static Map<String, String> members(KarafNode n) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : n.console("app:status summarizer").split("\\R")) {
            Matcher m = MEMBER.matcher(line.trim() + " ");
            if (m.find()) {
                out.put(m.group(1), m.group(4) + " " + m.group(5));
            }
        }
        return out;
    }

    private static String shortId(KarafNode n) throws Exception {
        Matcher m = NODE_ID.matcher(n.console("node:info"));
        assertTrue(m.find());
        return m.group(1);
    }

    /** Members a node finds alive with the runc driver and the bundle runtime. */
    private static int readyCount(KarafNode viewer) {
        return viewer.aliveFound("driver=runc runtime=bundle");
    }

    /**
     * Documents of sentences drawn by a seeded generator from {@code vocabulary} made-up words
     * (letters, spaces and periods only); a large vocabulary makes a generation slower.
     */
    private static List<String> documents(int documents, int sentences, int vocabulary, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] words = new String[vocabulary];
        for (int i = 0; i < words.length; i++) {
            StringBuilder w = new StringBuilder();
            for (int k = 2 + r.nextInt(3); k > 0; k--) {
                w.append("bcdfgklmnprstvz".charAt(r.nextInt(15))).append("aeiou".charAt(r.nextInt(5)));
            }
            words[i] = w.toString();
        }
        List<String> out = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            StringBuilder b = new StringBuilder();
            for (int s = 0; s < sentences; s++) {
                b.append(s == 0 ? "" : " ").append("The");
                for (int w = 5 + r.nextInt(15); w > 0; w--) {
                    b.append(' ').append(words[r.nextInt(words.length)]);
                }
                b.append('.');
            }
            out.add(b.toString());
        }
        return out;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean poll(Check check) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(1_000);
        }
        return check.holds();
    }
}
