package org.ringfellow.itests.nat;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.ringfellow.itests.nat.NatNetwork.Nat;
import org.ringfellow.itests.nat.NatNetwork.Router;

/**
 * Reachability detection of real Ring members (Netty, real sockets) on the NAT test network:
 * two public members; behind the endpoint-independent router one member whose port is
 * forwarded (full cone) and one whose port is not (the router filters); one member behind the
 * symmetric router. Each must classify itself: public, NAT-mapped at the router's address,
 * unreachable (filtered), unreachable (symmetric).
 */
public class RingReachabilityIT {

    private static final String PREFIX = "rfreach";
    private static final int PORT = 7946;

    @Test
    public void givenMembersBehindEachNat_whenTheyJoin_thenEachClassifiesItselfCorrectly() throws Exception {
        List<NsJava> members = new ArrayList<>();
        try (NatNetwork net = NatNetwork.create(PREFIX.substring(0, 6), 220)) {
            String p1 = net.addPublicHost(1);
            String p2 = net.addPublicHost(2);
            Router eim = net.addRouter(1, Nat.ENDPOINT_INDEPENDENT);
            Router sym = net.addRouter(2, Nat.SYMMETRIC);
            String cone = eim.addHost(2);
            String filtered = eim.addHost(3);
            String symmetric = sym.addHost(2);
            eim.forward(PORT, 2);

            String seed1 = net.publicAddress(1) + ":" + PORT;
            String seed2 = net.publicAddress(2) + ":" + PORT;
            Map<String, NsJava> byName = new LinkedHashMap<>();
            byName.put("p1", member(members, p1, "p1", net.publicAddress(1), PORT));
            byName.put("p2", member(members, p2, "p2", net.publicAddress(2), PORT, seed1));
            byName.put("cone", member(members, cone, "cone", eim.lanAddress(2), PORT, seed1, seed2));
            byName.put("filtered", member(members, filtered, "filtered", eim.lanAddress(3), PORT + 1, seed1, seed2));
            byName.put("symmetric", member(members, symmetric, "symmetric", sym.lanAddress(2), PORT, seed1, seed2));

            String p1Reach = byName.get("p1").awaitLine("reach public", 180_000);
            String p2Reach = byName.get("p2").awaitLine("reach public", 180_000);
            String coneReach = byName.get("cone").awaitLine("reach nat-mapped", 180_000);
            String filteredReach = byName.get("filtered").awaitLine("reach unreachable", 180_000);
            String symReach = byName.get("symmetric").awaitLine("reach unreachable", 180_000);
            StringBuilder all = new StringBuilder();
            byName.forEach((n, m) -> all.append("--- ").append(n).append('\n').append(m.output()));

            assertNotNull("p1 public:\n" + all, p1Reach);
            assertTrue(p1Reach, p1Reach.startsWith("reach public " + seed1 + " "));
            assertNotNull("p2 public:\n" + all, p2Reach);
            assertTrue(p2Reach, p2Reach.startsWith("reach public " + seed2 + " "));
            assertNotNull("the forwarded member NAT-mapped:\n" + all, coneReach);
            assertTrue("it advertises the router's mapping: " + coneReach,
                    coneReach.startsWith("reach nat-mapped " + eim.wanAddress() + ":" + PORT + " "));
            assertNotNull("the filtered member unreachable:\n" + all, filteredReach);
            assertTrue(filteredReach, filteredReach.contains("filters"));
            assertTrue("it keeps its own address: " + filteredReach,
                    filteredReach.startsWith("reach unreachable " + eim.lanAddress(3) + ":" + (PORT + 1) + " "));
            assertNotNull("the member behind the symmetric NAT unreachable:\n" + all, symReach);
            assertTrue(symReach, symReach.contains("symmetric"));
        } finally {
            for (NsJava m : members) {
                m.close();
            }
        }
        assertFalse(NatNetwork.output("ip", "netns", "list").contains(PREFIX.substring(0, 6) + "-"));
    }

    private static NsJava member(List<NsJava> started, String ns, String name, String host, int port, String... seeds)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(name, host, String.valueOf(port)));
        args.addAll(List.of(seeds));
        NsJava m = NsJava.start(ns, RingMember.class, args.toArray(String[]::new));
        started.add(m);
        assertNotNull(name + " started: " + m.output(), m.awaitLine("ready", 60_000));
        return m;
    }
}
