package org.ringfellow.itests.browser;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.Test;
import org.openqa.selenium.By;

/**
 * The browser harness itself: a page served on loopback, whose ES module writes into it, is
 * loaded by real headless Chromium; the module ran and the screenshot is a PNG.
 */
public class HeadlessChromiumIT {

    private static final String PAGE = """
            <!doctype html><html><head><title>harness</title>
            <script type="module" src="/main.js"></script></head>
            <body><p id="out">not yet</p></body></html>""";
    private static final String MODULE = """
            const out = document.getElementById('out');
            out.textContent = 'module ran: ' + [1, 2, 3].map(x => x * 2).join(',');
            """;

    @Test
    public void loadsAPageAndRunsItsModule() throws Exception {
        HeadlessChromium.assumeAvailable();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            boolean module = exchange.getRequestURI().getPath().equals("/main.js");
            byte[] body = (module ? MODULE : PAGE).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", module ? "text/javascript" : "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            assertEquals("harness", browser.driver().getTitle());
            String text = browser.waitUntil("the module's text", Duration.ofSeconds(20), d -> {
                String t = d.findElement(By.id("out")).getText();
                return t.startsWith("module ran") ? t : null;
            });
            assertEquals("module ran: 2,4,6", text);
            Path shot = browser.screenshot(Path.of("target", "screenshots", "harness.png"));
            byte[] head = Arrays.copyOf(Files.readAllBytes(shot), 4);
            assertArrayEquals("a PNG", new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
            assertTrue(browser.browserLog().toString(), browser.browserLog().stream().noneMatch(l -> l.startsWith("SEVERE")));
        } finally {
            server.stop(0);
        }
    }
}
