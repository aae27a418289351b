package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * Issue 6 across real nodes: four Karaf nodes, each in a network namespace of its own (one
 * host each, joined by a bridge), form a Ring; one founds a three-member fellowship; a node
 * outside the roster cannot open a channel to a member; kill -9 of a member brings a
 * replacement, kill -9 of the coordinator brings a successor. Polls with generous timeouts.
 */
public class FellowshipNamespacesIT {

    private static final Pattern NODE_ID = Pattern.compile("Node id\\s+:\\s+([0-9a-f]{12})");
    private static final Pattern ROSTER = Pattern.compile("roster version (\\d+), epoch (\\d+)");
    private static final Pattern ROW = Pattern.compile("^\\d+\\s+([0-9a-f]{12})\\s+(\\S+)\\s+(coordinator|member)\\s*$");
    private static final long TIMEOUT_MILLIS = 180_000;
    private static final String FELLOWSHIP = "demo";

    private NetworkNamespaces net;
    private final List<KarafNode> nodes = new ArrayList<>();
    private final Map<String, KarafNode> byId = new LinkedHashMap<>();

    @After
    public void tearDown() throws Exception {
        for (KarafNode n : nodes) {
            n.close();
            if (!Boolean.getBoolean("itests.keep")) {
                KarafNode.deleteTree(n.home());
            }
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    public void givenFourNodesInNamespaces_whenAFellowshipFormsAndMembersAreKilled_thenItRepairsItself()
            throws Exception {
        net = NetworkNamespaces.create("rffel", 211);
        for (int i = 1; i <= 4; i++) {
            KarafNode n = KarafNode.unpack("fellowship-" + i).inNamespace(net.addHost(i));
            String ring = "etc/org.ringfellow.ring.cfg";
            n.setProperty(ring, "bindHost", net.address(i));
            n.setProperty(ring, "port", "7946");
            if (i > 1) {
                n.setProperty(ring, "seeds", net.address(1) + ":7946");
            }
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "advertisedHost", net.address(i));
            // Each host has a network stack of its own, and members dial a peer's channel on the
            // default port unless its advert names another: keep the default here.
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "channelPort", "7790");
            nodes.add(n);
        }
        for (KarafNode n : nodes) {
            n.start();
            byId.put(shortId(n), n);
        }
        assertTrue("the four nodes see each other:\n" + nodes.get(0).console("ring:members"),
                poll(() -> nodes.stream().allMatch(n -> aliveCount(n) == 4)));

        // formation
        KarafNode founder = nodes.get(0);
        String created = founder.console("fellowship:create --timeout 20 " + FELLOWSHIP + " 3");
        assertTrue(created + "\n" + founder.logTail(), created.contains("Formed " + FELLOWSHIP));
        Map<String, String> roster = roster(founder);
        assertEquals(created, 3, roster.size());
        String coordinator = coordinatorOf(founder);
        assertEquals("the founder coordinates first", shortId(founder), coordinator);
        for (String id : roster.keySet()) {
            assertTrue("every member holds the roster", poll(() -> roster(byId.get(id)).equals(roster)));
        }
        String outsiderId = byId.keySet().stream().filter(id -> !roster.containsKey(id)).findFirst().orElseThrow();

        // an outsider cannot open a fellowship channel to a member
        String member = roster.keySet().stream().filter(id -> !id.equals(coordinator)).findFirst().orElseThrow();
        String attempt = outsiderHandshake(outsiderId, roster.get(member));
        assertTrue("a node outside the roster is refused at the TLS handshake:\n" + attempt,
                attempt.toLowerCase(java.util.Locale.ROOT).contains("alert"));

        // kill -9 of a member: the coordinator recruits the spare node
        byId.get(member).kill9();
        assertTrue("a replacement joins:\n" + founder.console("fellowship:members " + FELLOWSHIP),
                poll(() -> {
                    Map<String, String> r = roster(founder);
                    return r.size() == 3 && !r.containsKey(member) && r.containsKey(outsiderId);
                }));

        // kill -9 of the coordinator: the next member takes over in a higher epoch
        long epochBefore = epoch(founder);
        founder.kill9();
        String survivor = roster(byId.get(outsiderId)).keySet().stream().filter(id -> !id.equals(coordinator))
                .findFirst().orElseThrow();
        KarafNode survivorNode = byId.get(survivor);
        assertTrue("a successor coordinates:\n" + survivorNode.console("fellowship:members " + FELLOWSHIP),
                poll(() -> {
                    String c = coordinatorOf(survivorNode);
                    return !c.isEmpty() && !c.equals(coordinator) && epoch(survivorNode) > epochBefore;
                }));
        assertNotEquals(coordinator, coordinatorOf(survivorNode));
    }

    /**
     * Tries a TLS 1.3 connection from the outsider's host, with a certificate not bound to any
     * roster key, and waits for the member to close it (at most 15 s).
     *
     * @return what openssl printed: a refusal shows the member's TLS alert
     */
    private String outsiderHandshake(String outsiderId, String channel) throws Exception {
        Path dir = Files.createTempDirectory("rf-outsider");
        try {
            String ns = "rffel-h" + (nodes.indexOf(byId.get(outsiderId)) + 1);
            run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(),
                    "-subj", "/CN=outsider", "-days", "1"));
            String sni = "x" + HexFormat.of().formatHex(FELLOWSHIP.getBytes(StandardCharsets.UTF_8)) + ".f.ringfellow";
            List<String> cmd = new ArrayList<>(NetworkNamespaces.exec(ns));
            cmd.addAll(List.of("timeout", "15", "openssl", "s_client", "-ign_eof", "-tls1_3", "-connect", channel,
                    "-servername", sni,
                    "-cert", dir.resolve("c.pem").toString(), "-key", dir.resolve("k.pem").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            return "exit " + rc + "\n" + out;
        } finally {
            KarafNode.deleteTree(dir);
        }
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(cmd + " failed: " + out);
        }
    }

    private static String shortId(KarafNode n) throws Exception {
        Matcher m = NODE_ID.matcher(n.console("node:info"));
        assertTrue(m.find());
        return m.group(1);
    }

    private static int aliveCount(KarafNode viewer) {
        try {
            int count = 0;
            for (String line : viewer.console("ring:members").split("\\R")) {
                String[] cols = line.trim().split("[\\s|]+");
                if (cols.length >= 4 && cols[0].matches("[0-9a-f]{12}") && cols[3].equals("ALIVE")) {
                    count++;
                }
            }
            return count;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The roster a node holds: short id to channel, in succession order; empty if none. */
    private static Map<String, String> roster(KarafNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : n.console("fellowship:members " + FELLOWSHIP).split("\\R")) {
                Matcher m = ROW.matcher(line.trim());
                if (m.matches()) {
                    out.put(m.group(1), m.group(2));
                }
            }
        } catch (Exception e) {
            // a node that is down holds nothing
        }
        return out;
    }

    private static String coordinatorOf(KarafNode n) {
        try {
            for (String line : n.console("fellowship:members " + FELLOWSHIP).split("\\R")) {
                Matcher m = ROW.matcher(line.trim());
                if (m.matches() && m.group(3).equals("coordinator")) {
                    return m.group(1);
                }
            }
        } catch (Exception e) {
            // none
        }
        return "";
    }

    private static long epoch(KarafNode n) {
        try {
            Matcher m = ROSTER.matcher(n.console("fellowship:members " + FELLOWSHIP));
            return m.find() ? Long.parseLong(m.group(2)) : -1;
        } catch (Exception e) {
            return -1;
        }
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
