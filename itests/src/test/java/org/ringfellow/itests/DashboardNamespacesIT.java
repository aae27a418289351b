package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.ringfellow.itests.browser.HeadlessChromium;
import org.ringfellow.itests.browser.NamespaceForward;

/**
 * Issue 16 points 3-5 on real nodes: three Karaf nodes, each in a network namespace of its own,
 * with the REST API, the runc driver and the bundle runtime. The dashboard of the first node is
 * opened in real headless Chromium (through a loopback forward into that node's namespace, so
 * the node sees a loopback client as on its own host); the operator's token is pasted; the page
 * draws the three members of the Ring, deploys the calculator from its deploy form and shows it
 * running on three members. {@code /metrics} is scraped and parsed before and after, the
 * families the services count themselves (probe round trips, fellowship handshakes, container
 * starts) among them; with {@code ringfellow-jobs} installed, {@code /api/v1/jobs} answers.
 */
public class DashboardNamespacesIT {

    private static final int HTTP_PORT = 8181;
    private static final Duration RING = Duration.ofSeconds(180);
    private static final Duration DEPLOY = Duration.ofSeconds(300);
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)");

    private NetworkNamespaces net;
    private final List<KarafNode> nodes = new ArrayList<>();
    private NamespaceForward forward;
    private HeadlessChromium browser;

    @After
    public void tearDown() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (forward != null) {
            forward.close();
        }
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
    public void givenARingOfThree_thenTheDashboardShowsItAndDeploysTheCalculator_andMetricsAreScraped()
            throws Exception {
        HeadlessChromium.assumeAvailable();
        net = NetworkNamespaces.create("rfdash", 218);
        List<String> namespaces = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String ns = net.addHost(i);
            namespaces.add(ns);
            KarafNode n = KarafNode.unpack("dash-" + i).inNamespace(ns);
            String ring = "etc/org.ringfellow.ring.cfg";
            n.setProperty(ring, "bindHost", net.address(i));
            n.setProperty(ring, "port", "7946");
            if (i > 1) {
                n.setProperty(ring, "seeds", net.address(1) + ":7946");
            }
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "advertisedHost", net.address(i));
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "channelPort", "7790");
            n.setProperty("etc/org.ringfellow.node.cfg", "cpus", "2");
            n.setProperty("etc/org.ringfellow.node.cfg", "memory", "1g");
            n.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(HTTP_PORT));
            // the node's own address and its namespace's loopback (where the forward connects)
            n.setProperty("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses",
                    net.address(i) + ",127.0.0.1");
            nodes.add(n);
        }
        for (KarafNode n : nodes) {
            n.start();
            String out = n.console("feature:install ringfellow-ingress ringfellow-driver-runc "
                    + "ringfellow-runtime-bundle ringfellow-example-calculator ringfellow-rest ringfellow-jobs");
            assertTrue(out, !out.toLowerCase().contains("error"));
        }
        KarafNode first = nodes.get(0);
        Path tokenFile = first.home().resolve("data/ringfellow/api-token");
        assertTrue("the REST API made its token", poll(RING, () -> Files.isRegularFile(tokenFile)));
        String token = Files.readString(tokenFile).trim();
        forward = NamespaceForward.start(namespaces.get(0), HTTP_PORT);
        String base = "http://127.0.0.1:" + forward.port();

        // /metrics: the three members alive, scraped without a token from loopback
        assertTrue("/metrics shows three members alive:\n" + scrape(base),
                poll(RING, () -> Double.valueOf(3).equals(parse(scrape(base)).get("ringfellow_ring_members{state=\"ALIVE\"}"))));

        // the dashboard: the token pasted, the Ring drawn
        browser = HeadlessChromium.start();
        browser.open(base + "/ui/");
        browser.waitForVisible(By.id("token"), Duration.ofSeconds(20)).sendKeys(token);
        browser.driver().findElement(By.id("token-save")).click();
        browser.waitUntil("three members alive on the ring", RING, d ->
                d.findElements(By.cssSelector("#ring g.member[data-state='ALIVE']")).size() == 3 ? Boolean.TRUE : null);
        // three nodes on one host, none named: three names all the same (issue 16 point 6) no more
        java.util.Set<String> names = new java.util.HashSet<>();
        for (WebElement m : browser.driver().findElements(By.cssSelector("#ring g.member"))) {
            names.add(m.getAttribute("data-name"));
        }
        assertEquals("the members' names: " + names, 3, names.size());
        browser.waitUntil("a member clicked", Duration.ofSeconds(10), d -> {
            d.findElements(By.cssSelector("#ring g.member circle")).get(1).click();
            return Boolean.TRUE;
        });
        String advert = browser.waitUntil("the advert of the member clicked", Duration.ofSeconds(10),
                d -> d.findElement(By.id("advert")).getText().contains("\"advert\"")
                        ? d.findElement(By.id("advert")).getText() : null);
        assertTrue(advert, advert.contains("runc"));
        browser.screenshot(Path.of("target", "screenshots", "dashboard-ring.png"));

        // deploy the calculator from the page
        String url = "mvn:org.ringfellow/org.ringfellow.examples.calculator/" + System.getProperty("ringfellow.version");
        browser.driver().findElement(By.id("deploy-url")).sendKeys(url);
        browser.driver().findElement(By.id("deploy-go")).click();
        String result = browser.waitUntil("the deploy's result", DEPLOY, d -> {
            String r = d.findElement(By.id("deploy-status")).getAttribute("data-result");
            return r == null || r.isEmpty() ? null : r;
        });
        assertEquals(browser.driver().findElement(By.id("deploy-status")).getText() + "\n" + first.logTail(),
                "RUNNING", result);
        WebElement row = browser.waitUntil("the calculator running in the apps table", Duration.ofSeconds(30),
                d -> d.findElement(By.cssSelector("#apps tr[data-app='calculator'][data-state='RUNNING']")));
        long runningMembers = row.findElements(By.cssSelector("span.badge.RUNNING[data-member]")).size();
        assertEquals(row.getText(), 3, runningMembers);
        browser.screenshot(Path.of("target", "screenshots", "dashboard-deployed.png"));

        // requests to the calculator through this node's ingress, counted by the class of the answer each got
        Map<String, Double> sent = new HashMap<>();
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of("api/eval?expr=(1%2B2)*3", "api/eval?expr=2*21", "", "api/eval?expr=7-1", "nope",
                "nope/again")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/apps/calculator/" + path))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            sent.merge(r.statusCode() / 100 + "xx", 1.0, Double::sum);
        }
        assertEquals(sent.toString(), Double.valueOf(4), sent.get("2xx"));
        assertEquals(sent.toString(), Double.valueOf(2), sent.get("4xx"));

        // metrics after the deploy: the app running, the deploy timed; with the token too
        Map<String, Double> after = parse(scrape(base));
        // the calculator's requests, counted on the node whose ingress they came to, each once
        for (String cls : List.of("2xx", "3xx", "4xx", "5xx")) {
            assertEquals(cls + " of " + sent, sent.getOrDefault(cls, 0.0),
                    after.get("ringfellow_app_http_requests_total{app=\"calculator\",status_class=\"" + cls + "\"}"));
        }
        assertEquals(Double.valueOf(6), after.get("ringfellow_app_http_request_duration_seconds_count{app=\"calculator\"}"));
        assertEquals(Double.valueOf(6),
                after.get("ringfellow_app_http_request_duration_seconds_bucket{app=\"calculator\",le=\"+Inf\"}"));
        assertTrue(after.getOrDefault("ringfellow_app_http_request_duration_seconds_sum{app=\"calculator\"}", 0.0) > 0);
        assertNotNull(after.get("ringfellow_app_restarts_total{app=\"calculator\"}"));
        assertEquals(Double.valueOf(1), after.get("ringfellow_apps{state=\"RUNNING\"}"));
        assertEquals(Double.valueOf(3), after.get("ringfellow_app_members{app=\"calculator\",state=\"RUNNING\"}"));
        assertEquals(Double.valueOf(1), after.get("ringfellow_app_deploy_duration_seconds_count{outcome=\"running\"}"));
        assertNotNull(after.get("ringfellow_api_requests_total{code=\"201\",method=\"POST\",resource=\"apps\"}"));
        // what the services count themselves: probes answered, the handshakes of the calculator's fellowship,
        // its member's container start on this node
        String families = String.join("\n", new java.util.TreeSet<>(after.keySet()));
        assertTrue(families, after.getOrDefault("ringfellow_ring_probe_rtt_seconds_count", 0.0) > 0);
        assertNotNull(families, after.get("ringfellow_ring_probe_rtt_seconds_bucket{le=\"+Inf\"}"));
        assertTrue(families, after.getOrDefault(
                "ringfellow_fellowship_handshakes_total{outcome=\"completed\"}", 0.0) > 0);
        assertNotNull(families, after.get("ringfellow_fellowship_handshakes_total{outcome=\"failed\"}"));
        assertNotNull(families, after.get("ringfellow_fellowship_handshake_rejections_total"));
        assertTrue(families, after.getOrDefault("ringfellow_fellowship_frames_total{direction=\"in\"}", 0.0) > 0);
        assertTrue(families, after.getOrDefault("ringfellow_container_start_seconds_count{driver=\"runc\"}", 0.0) >= 1);

        // jobs through the API, with ringfellow-jobs installed: none submitted on this node yet
        HttpResponse<String> jobs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base + "/api/v1/jobs")).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(jobs.body(), 200, jobs.statusCode());
        assertEquals(jobs.body(), "[ ]", jobs.body().trim());
    }

    private static String scrape(String base) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(r.body(), 200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            return r.body();
        } catch (Exception e) {
            return "scrape failed: " + e;
        }
    }

    /** Every sample of a text exposition, by name and labels as written; fails on a line that is not one. */
    private static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        if (text.startsWith("scrape failed")) {
            return out;
        }
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue("not a sample line: " + line, m.matches());
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), switch (m.group(3)) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(m.group(3));
            });
        }
        return out;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean poll(Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(1_000);
        }
        return check.holds();
    }
}
