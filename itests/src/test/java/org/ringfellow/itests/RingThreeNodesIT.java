package org.ringfellow.itests;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * Three real node processes on loopback form a Ring, see a member killed with kill -9 become
 * dead, and see it rejoin when it starts again. Polls with generous timeouts; asserts no timing.
 */
public class RingThreeNodesIT {

    private static final Pattern NODE_ID = Pattern.compile("Node id\\s+:\\s+([0-9a-f]{12})");
    private static final long TIMEOUT_MILLIS = 180_000;

    private final List<KarafNode> nodes = new ArrayList<>();

    @After
    public void stopAndRemove() throws Exception {
        for (KarafNode n : nodes) {
            n.close();
            if (!Boolean.getBoolean("itests.keep")) {
                KarafNode.deleteTree(n.home());
            }
        }
    }

    private static int freePort() throws IOException {
        // The Ring uses one port for UDP and TCP: take one that is free for both.
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException e) {
                    // taken for UDP; try another
                }
            }
        }
        throw new IOException("no port free for both TCP and UDP");
    }

    private KarafNode node(String name, int port, Integer seedPort) throws Exception {
        KarafNode n = KarafNode.unpack(name);
        String cfg = "etc/org.ringfellow.ring.cfg";
        n.setProperty(cfg, "bindHost", "127.0.0.1");
        n.setProperty(cfg, "port", Integer.toString(port));
        if (seedPort != null) {
            n.setProperty(cfg, "seeds", "127.0.0.1:" + seedPort);
        }
        nodes.add(n);
        return n;
    }

    /** What each node sees and counts, for a failure message. */
    private static String views(KarafNode... all) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (KarafNode n : all) {
            sb.append("== ").append(n.home().getFileName()).append('\n')
                    .append(n.console("ring:members", "ring:stats", "bundle:list -s | grep -i ringfellow"))
                    .append('\n').append(n.logTail()).append('\n');
        }
        return sb.toString();
    }

    private static String shortId(KarafNode n) throws Exception {
        String info = n.console("node:info");
        Matcher m = NODE_ID.matcher(info);
        assertTrue("node:info shows the id:\n" + info, m.find());
        return m.group(1);
    }

    /**
     * @return the state column of the ring:members row of {@code id}, "" if absent, or null if the
     *     console did not answer with the table (a client that timed out on a loaded machine)
     */
    private static String stateOf(KarafNode viewer, String id) throws Exception {
        String out = viewer.console("ring:members");
        if (!out.contains("INCARNATION")) {
            return null;
        }
        for (String line : out.split("\\R")) {
            String[] cols = line.trim().split("[\\s|]+");
            if (cols.length >= 4 && cols[0].equals(id)) {
                return cols[3];
            }
        }
        return "";
    }

    private static boolean deadOrReaped(String state) {
        return "DEAD".equals(state) || "".equals(state);
    }

    private static int aliveCount(KarafNode viewer) throws Exception {
        int n = 0;
        for (String line : viewer.console("ring:members").split("\\R")) {
            String[] cols = line.trim().split("[\\s|]+");
            if (cols.length >= 4 && cols[0].matches("[0-9a-f]{12}") && cols[3].equals("ALIVE")) {
                n++;
            }
        }
        return n;
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

    @Test
    public void givenThreeNodesOnLoopback_whenOneIsKilledAndRestarted_thenItIsSeenDeadThenAliveAgain()
            throws Exception {
        int seedPort = freePort();
        KarafNode a = node("ring-a", seedPort, null);
        KarafNode b = node("ring-b", freePort(), seedPort);
        KarafNode c = node("ring-c", freePort(), seedPort);
        a.start();
        b.start();
        c.start();
        String idC = shortId(c);

        assertTrue("all three see three alive members:\n" + views(a, b, c),
                poll(() -> aliveCount(a) == 3 && aliveCount(b) == 3 && aliveCount(c) == 3));

        c.kill9();
        // Dead, or already reaped from the view (30 s after it was declared dead): on a loaded
        // machine a poll can miss the window in which the row still shows DEAD.
        assertTrue("a and b see the killed node dead:\n" + a.console("ring:members") + b.console("ring:members"),
                poll(() -> deadOrReaped(stateOf(a, idC)) && deadOrReaped(stateOf(b, idC))));

        c.start();
        assertTrue("the restarted node rejoins and is alive everywhere:\n" + a.console("ring:members")
                + c.console("ring:members") + "\n" + c.logTail(),
                poll(() -> "ALIVE".equals(stateOf(a, idC)) && "ALIVE".equals(stateOf(b, idC)) && aliveCount(c) == 3));
        String stats = a.console("ring:stats");
        assertTrue("ring:stats prints the counters:\n" + stats, stats.contains("messages in/out"));
    }
}
