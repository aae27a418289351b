package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** The multi-host harness itself: hosts reach each other, and nothing is left after close. */
public class NetworkNamespacesIT {

    @Test
    public void givenTwoHosts_thenTheyReachEachOtherAndNothingIsLeftAfterClose() throws Exception {
        try (NetworkNamespaces net = NetworkNamespaces.create("rfnstest", 201)) {
            String h1 = net.addHost(1);
            net.addHost(2);
            assertEquals("host 1 pings host 2", 0, run(h1, "busybox", "ping", "-c", "1", "-W", "5", net.address(2)));
            assertTrue("host 1 does not reach an address outside the test network",
                    run(h1, "busybox", "ping", "-c", "1", "-W", "1", "10.213.202.1") != 0);
        }
        String left = output("ip", "netns", "list");
        assertFalse("namespaces removed: " + left, left.contains("rfnstest-"));
    }

    private static int run(String ns, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec(ns));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private static String output(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
