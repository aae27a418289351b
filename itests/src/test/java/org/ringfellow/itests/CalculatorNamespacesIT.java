package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * Issue 8 across real nodes: three Karaf nodes, each in a network namespace of its own, with the
 * HTTP ingress, the runc driver and the bundle runtime. The calculator is deployed with
 * {@code app:deploy} from one of them on all three. Every node's ingress (Pax Web listening on
 * the node's own address) gives the right answers, each from that node's own app (the calculator
 * declares its HTTP stateless, so not only the coordinator's app answers: issue 18); a member that does not coordinate is killed
 * with {@code kill -9} and the two that are left still answer right, a request sent just before
 * the kill included (a second kill is not tried: the one node left would not be a strict
 * majority of the roster, so by the fellowship's rules it cannot coordinate);
 * the page, opened in headless Chromium inside a node's namespace, types the expression, presses
 * its button and shows the result.
 */
public class CalculatorNamespacesIT {

    private static final long TIMEOUT_MILLIS = 180_000;
    private static final int HTTP_PORT = 8181;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Expressions and the results the calculator must give, as its JSON writes them. */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("1+2", "3");
        EXPECTED.put("(1+2)*3^2 - -4", "31");
        EXPECTED.put("2^10/4", "256");
        EXPECTED.put("-(3-5)*7 + 0.5", "14.5");
        EXPECTED.put("((8-2)*(7+3))/(5-1)^2", "3.75");
    }

    private NetworkNamespaces net;
    private final List<KarafNode> nodes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private Process chromium;

    @After
    public void tearDown() throws Exception {
        if (chromium != null) {
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly();
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
    public void givenThreeNodes_whenTheCalculatorIsDeployed_thenEveryIngressAnswersRightEvenAfterAMemberIsKilled()
            throws Exception {
        net = NetworkNamespaces.create("rfcalc", 217);
        for (int i = 1; i <= 3; i++) {
            String ns = net.addHost(i);
            namespaces.add(ns);
            KarafNode n = KarafNode.unpack("calc-" + i).inNamespace(ns);
            String ring = "etc/org.ringfellow.ring.cfg";
            n.setProperty(ring, "bindHost", net.address(i));
            n.setProperty(ring, "port", "7946");
            if (i > 1) {
                n.setProperty(ring, "seeds", net.address(1) + ":7946");
            }
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "advertisedHost", net.address(i));
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "channelPort", "7790");
            // the calculator asks cpu=1, memory=256m per member
            n.setProperty("etc/org.ringfellow.node.cfg", "cpus", "2");
            n.setProperty("etc/org.ringfellow.node.cfg", "memory", "1g");
            // named, so that the node whose app served a request is known (X-Ringfellow-Served-By)
            n.setProperty("etc/org.ringfellow.node.cfg", "name", "calc-" + i);
            // Pax Web on the node's own address in its namespace
            n.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(HTTP_PORT));
            n.setProperty("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses", net.address(i));
            nodes.add(n);
        }
        for (KarafNode n : nodes) {
            n.start();
            String out = n.console("feature:install ringfellow-ingress ringfellow-driver-runc "
                    + "ringfellow-runtime-bundle ringfellow-example-calculator");
            assertTrue(out, !out.toLowerCase().contains("error"));
        }
        assertTrue("the three nodes see each other with runc and the bundle runtime:\n"
                + nodes.get(0).console("ring:members"), poll(() -> nodes.stream().allMatch(n -> readyCount(n) == 3)));

        KarafNode founder = nodes.get(0);
        Path jar = founder.home().resolve("system/org/ringfellow/org.ringfellow.examples.calculator/"
                + System.getProperty("ringfellow.version") + "/org.ringfellow.examples.calculator-"
                + System.getProperty("ringfellow.version") + ".jar");
        assertTrue(jar + " is in the distribution", Files.isRegularFile(jar));
        String deployed = founder.console("app:deploy " + jar);
        assertTrue(deployed + "\n" + founder.logTail(), deployed.contains("App calculator is running on 3 member(s)."));

        // right answers through the ingress of every node
        for (int i = 0; i < nodes.size(); i++) {
            for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
                int node = i;
                assertTrue("node " + (i + 1) + " answers " + e.getKey() + " = " + e.getValue() + ": "
                        + eval(node, e.getKey()), poll(() -> isRight(eval(node, e.getKey()), e.getValue())));
            }
            // a clear error, not a stack trace, through the same path
            Answer zero = eval(i, "1/(2-2)");
            assertEquals(zero.toString(), 422, zero.status);
            assertTrue(zero.toString(), zero.body.contains("division by zero") && !zero.body.contains("Exception"));
            Answer page = get(i, "/apps/calculator/");
            assertEquals(page.toString(), 200, page.status);
            assertTrue(page.toString(), page.body.contains("<button id=\"go\""));
        }

        // the calculator's HTTP is stateless (Ringfellow-App-Http): every member's own app answers
        // what reaches its ingress, the page and the expressions alike, not the coordinator's
        for (int i = 0; i < nodes.size(); i++) {
            for (int k = 0; k < 10; k++) {
                String path = k % 2 == 0 ? "/apps/calculator/" : "/apps/calculator/api/eval?expr=(1%2B2)*3";
                String served = servedBy(i, path);
                assertTrue("node " + (i + 1) + " answers " + path + " with its own app: " + served,
                        served.startsWith("200 calc-" + (i + 1) + " ("));
            }
        }

        // the page in headless Chromium, in the namespace of the second node
        String dom = browse(1, "(1+2)*3^2 - -4");
        assertEquals(dom, "(1 + 2) * 3 ^ 2 - -4 = 31", result(dom));
        assertTrue("the parts table is shown:\n" + dom, !dom.contains("<table id=\"parts\" hidden"));

        // kill -9 of a member that is neither the founder nor the coordinator, a request on its way while it dies
        int coordinator = coordinatorIndex();
        assertTrue("one node coordinates app.calculator", coordinator >= 0);
        int victimIndex = coordinator == 2 ? 1 : 2;
        KarafNode victim = nodes.get(victimIndex);
        List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
        survivors.remove(Integer.valueOf(victimIndex));
        CompletableFuture<Answer> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return eval(0, "(2+3)*(4+5)*(6+7)");
            } catch (Exception e) {
                return new Answer(-1, e.toString());
            }
        });
        victim.kill9();
        RuncLeftovers.remove(victim.home());
        for (int i : survivors) {
            for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
                int node = i;
                assertTrue("after the kill, node " + (i + 1) + " answers " + e.getKey() + " = " + e.getValue()
                        + ": " + eval(node, e.getKey()) + "\n" + founder.console("app:status calculator"),
                        poll(() -> isRight(eval(node, e.getKey()), e.getValue())));
            }
        }
        Answer sent = inFlight.get(120, TimeUnit.SECONDS);
        assertTrue("the request sent as the member died is answered right: " + sent, isRight(sent, "585"));
    }

    /** The index of the node that coordinates the calculator's fellowship, or -1. */
    private int coordinatorIndex() throws Exception {
        for (int i = 0; i < nodes.size(); i++) {
            for (String line : nodes.get(i).console("fellowship:list").split("\\R")) {
                if (line.contains("app.calculator") && line.trim().endsWith(" coordinator")) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** What an HTTP request through a node's ingress returned. */
    private record Answer(int status, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private static boolean isRight(Answer a, String expected) {
        return a.status == 200 && a.body.contains("\"result\": " + expected + ",");
    }

    private Answer eval(int node, String expression) throws Exception {
        return get(node, "/apps/calculator/api/eval?expr="
                + URLEncoder.encode(expression, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /** GET with curl inside the node's namespace, to the node's own address. */
    private Answer get(int node, String path) throws Exception {
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec(namespaces.get(node)));
        cmd.addAll(List.of("curl", "-sS", "-m", "60", "-w", "\n%{http_code}",
                "http://" + net.address(node + 1) + ":" + HTTP_PORT + path));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Answer(-1, "curl did not finish");
        }
        int nl = out.lastIndexOf('\n');
        String code = out.substring(nl + 1).trim();
        return new Answer(code.matches("\\d{3}") ? Integer.parseInt(code) : -1, out.substring(0, Math.max(nl, 0)));
    }

    /** The status and the node whose app answered (X-Ringfellow-Served-By), through a node's ingress. */
    private String servedBy(int node, String path) throws Exception {
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec(namespaces.get(node)));
        cmd.addAll(List.of("curl", "-sS", "-m", "60", "-o", "/dev/null", "-w",
                "%{http_code} %header{x-ringfellow-served-by}", "http://" + net.address(node + 1) + ":" + HTTP_PORT
                        + path));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "curl did not finish";
        }
        return out;
    }

    /** Opens the page in headless Chromium inside a node's namespace; the DOM once the page is idle. */
    private String browse(int node, String expression) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError("chromium is needed (apt-get install chromium)");
        }
        Path dir = Files.createTempDirectory(nodes.get(node).home(), "chromium");
        String url = "http://" + net.address(node + 1) + ":" + HTTP_PORT + "/apps/calculator/#"
                + URLEncoder.encode(expression, StandardCharsets.UTF_8).replace("+", "%20");
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec(namespaces.get(node)));
        cmd.addAll(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=30000", "--dump-dom", url));
        Path err = dir.resolve("chromium.err");
        chromium = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        Process p = chromium;
        CompletableFuture<String> dom = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "read failed: " + e;
            }
        });
        try {
            assertTrue("chromium did not finish: " + Files.readString(err), p.waitFor(180, TimeUnit.SECONDS));
            return dom.get(10, TimeUnit.SECONDS);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.onExit().get(30, TimeUnit.SECONDS);
            chromium = null;
        }
    }

    private static String result(String dom) {
        Matcher m = Pattern.compile("<div id=\"result\"[^>]*>([^<]*)</div>").matcher(dom);
        assertTrue("no result element in the DOM:\n" + dom, m.find());
        return m.group(1);
    }

    /** Members a node finds alive with the runc driver and the bundle runtime. */
    private static int readyCount(KarafNode viewer) {
        return viewer.aliveFound("driver=runc runtime=bundle");
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
