package org.ringfellow.itests.nat;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.ringfellow.itests.nat.NatNetwork.Nat;
import org.ringfellow.itests.nat.NatNetwork.Router;

/**
 * The NAT test network itself: one UDP socket behind the endpoint-independent router is seen
 * by two public hosts at one mapping, behind the symmetric router at two; unsolicited inbound
 * traffic is dropped unless a port is forwarded; nothing is left after close.
 */
public class NatNetworkIT {

    private static final String PREFIX = "rfnatt";
    private static final int STUN = 3478;

    @Test
    public void givenTwoNats_thenEachMapsAsItsTypeSaysAndNothingIsLeftAfterClose() throws Exception {
        try (NatNetwork net = NatNetwork.create(PREFIX, 210)) {
            String p1 = net.addPublicHost(1);
            String p2 = net.addPublicHost(2);
            Router eim = net.addRouter(1, Nat.ENDPOINT_INDEPENDENT);
            Router sym = net.addRouter(2, Nat.SYMMETRIC);
            String a = eim.addHost(2);
            String b = sym.addHost(2);
            assertEquals("the EIM router holds its tagged rules: " + eim.taggedRules(), 3, eim.taggedRules().size());

            try (NsJava s1 = server(p1); NsJava s2 = server(p2)) {
                String[] servers = { net.publicAddress(1) + ":" + STUN, net.publicAddress(2) + ":" + STUN };

                List<String> behindEim = observe(a, 40000, servers);
                assertEquals("behind the EIM router, both servers see one mapping", behindEim.get(0), behindEim.get(1));
                assertEquals("the mapping is the router's address, port preserved", eim.wanAddress() + ":40000",
                        behindEim.get(0));

                List<String> behindSym = observe(b, 40000, servers);
                assertTrue("behind the symmetric router, its address: " + behindSym,
                        behindSym.get(0).startsWith(sym.wanAddress() + ":")
                                && behindSym.get(1).startsWith(sym.wanAddress() + ":"));
                assertNotEquals("behind the symmetric router, a new mapping per destination", behindSym.get(0),
                        behindSym.get(1));

                // Unsolicited inbound: nothing reaches a private host through its router's address...
                try (NsJava inside = server(a)) {
                    NsJava knock = NsJava.start(p1, UdpMapping.class, "client", "40001", eim.wanAddress() + ":" + STUN);
                    assertEquals("an unforwarded port of the EIM router drops inbound: " + knock.output(), 1,
                            knock.await(60_000));
                    // ...unless the port is forwarded: the full-cone emulation.
                    eim.forward(STUN, 2);
                    List<String> forwarded = observe(p1, 40002, eim.wanAddress() + ":" + STUN);
                    assertEquals("the private host sees the public sender itself", net.publicAddress(1) + ":40002",
                            forwarded.get(0));
                }
            }
            assertEquals("the forward added two rules", 5, eim.taggedRules().size());
        }
        String left = NatNetwork.output("ip", "netns", "list");
        assertFalse("namespaces removed: " + left, left.contains(PREFIX + "-"));
        for (String link : NatNetwork.links()) {
            assertFalse("veth removed: " + link, link.startsWith(PREFIX));
        }
    }

    private static NsJava server(String ns) throws Exception {
        NsJava s = NsJava.start(ns, UdpMapping.class, "server", String.valueOf(STUN));
        assertNotNull("UDP server in " + ns + " started: " + s.output(), s.awaitLine("ready", 60_000));
        return s;
    }

    /** @return what each server saw, in order */
    private static List<String> observe(String ns, int localPort, String... servers) throws Exception {
        List<String> args = new ArrayList<>(List.of("client", String.valueOf(localPort)));
        args.addAll(List.of(servers));
        NsJava c = NsJava.start(ns, UdpMapping.class, args.toArray(String[]::new));
        assertEquals("client in " + ns + " ended: " + c.output(), 0, c.await(60_000));
        List<String> seen = new ArrayList<>();
        for (String line : c.output().split("\n")) {
            if (line.startsWith("observed ")) {
                seen.add(line.split(" ")[2]);
            }
        }
        assertEquals("one observation per server: " + c.output(), servers.length, seen.size());
        return seen;
    }
}
