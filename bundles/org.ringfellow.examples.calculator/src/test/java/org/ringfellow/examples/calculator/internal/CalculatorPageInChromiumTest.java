package org.ringfellow.examples.calculator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;

/**
 * The page in a real browser (Debian's headless {@code chromium}): the page is opened with an
 * expression in its address, which it types into its field and submits with its button; the
 * DOM Chromium prints afterwards must show the result and the members that computed the parts.
 * The calculator runs on an in-memory fellowship of three behind the JDK's HTTP server at
 * {@code /apps/calculator/}, as the ingress would serve it.
 */
class CalculatorPageInChromiumTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;
    FakeFellowship fellowship = new FakeFellowship();
    FakeFellowship.Member coordinator;
    HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (apt-get install chromium)");
        coordinator = fellowship.add("aa01", "node-a", new CalculatorApp());
        fellowship.add("bb02", "node-b", new CalculatorApp());
        fellowship.add("cc03", "node-c", new CalculatorApp());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/apps/calculator/", this::forward);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        fellowship.close();
    }

    private void forward(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath().substring("/apps/calculator".length());
            String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
            HttpResponse r;
            try {
                r = coordinator.app.http(new HttpRequest(ex.getRequestMethod(), path, query, Map.of(),
                        ex.getRequestBody().readAllBytes())).toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                r = HttpResponse.text(500, "text/plain", "test server: " + e);
            }
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        }
    }

    /** Opens the page with the expression in its address and returns the DOM once the page is idle. */
    private String browse(String expression) throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/apps/calculator/#"
                + URLEncoder.encode(expression, StandardCharsets.UTF_8).replace("+", "%20");
        Path err = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=10000",
                "--dump-dom", url).redirectError(err.toFile()).start();
        try {
            CompletableFuture<String> dom = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "read failed: " + e;
                }
            });
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish: " + Files.readString(err));
            return dom.get(10, TimeUnit.SECONDS);
        } finally {
            // chromium's helpers by PID, then chromium itself
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    private static String result(String dom) {
        Matcher m = Pattern.compile("<div id=\"result\"[^>]*>([^<]*)</div>").matcher(dom);
        assertTrue(m.find(), "no result element in the DOM:\n" + dom);
        return m.group(1);
    }

    @Test
    void givenThePageInChromium_whenAnExpressionIsTypedAndSubmitted_thenTheResultAndTheMembersShow()
            throws Exception {
        String dom = browse("(1+2)*3^2 - -4");
        assertEquals("(1 + 2) * 3 ^ 2 - -4 = 31", result(dom), dom);
        for (String member : List.of("node-a", "node-b", "node-c")) {
            assertTrue(dom.contains("<td>" + member), member + " is shown computing a part:\n" + dom);
        }
        assertTrue(dom.contains("<td>3 ^ 2</td>"), dom);
        assertTrue(!dom.contains("<table id=\"parts\" hidden"), "the parts table is shown");
    }

    @Test
    void givenADivisionByZeroInChromium_whenSubmitted_thenThePageShowsTheErrorAndNoParts() throws Exception {
        String dom = browse("1 / (2 - 2)");
        assertEquals("division by zero in 1 / (2 - 2)", result(dom), dom);
        assertTrue(dom.contains("<div id=\"result\" aria-live=\"polite\" class=\"error\">"), dom);
        assertTrue(dom.contains("<table id=\"parts\" hidden"), dom);
    }
}
