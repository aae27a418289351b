package org.ringfellow.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Several hosts on one machine: a network namespace per host, joined by veth pairs to a
 * bridge that lives in a switch namespace of its own, so nothing is added to the host's
 * network unless a test asks for it ({@link #joinThisMachine()}, for a browser on this machine).
 * Addresses are {@code 10.213.<subnet>.<host>/24}, inside these namespaces only. Everything made
 * is removed by {@link #close()}, which deletes the namespaces it created (and with the switch
 * namespace the veth pair that joined this machine).
 */
public final class NetworkNamespaces implements AutoCloseable {

    private final String prefix;
    private final int subnet;
    private final String switchNs;
    private final List<String> hosts = new ArrayList<>();
    private String hostLink;

    private NetworkNamespaces(String prefix, int subnet) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.switchNs = prefix + "-sw";
    }

    /**
     * Makes the switch namespace with its bridge.
     *
     * @param prefix a short unique prefix for the namespace names (at most 8 characters)
     * @param subnet the third octet of the hosts' addresses, 1 to 254
     * @return the network
     */
    public static NetworkNamespaces create(String prefix, int subnet) throws IOException, InterruptedException {
        if (prefix.length() > 8 || !prefix.matches("[a-z0-9]+") || subnet < 1 || subnet > 254) {
            throw new IllegalArgumentException("prefix of 1-8 [a-z0-9] and subnet 1..254");
        }
        NetworkNamespaces net = new NetworkNamespaces(prefix, subnet);
        net.cleanupLeftovers();
        ip("netns", "add", net.switchNs);
        ip("-n", net.switchNs, "link", "add", "br0", "type", "bridge");
        ip("-n", net.switchNs, "link", "set", "br0", "up");
        ip("-n", net.switchNs, "link", "set", "lo", "up");
        return net;
    }

    /**
     * Adds a host: a namespace with loopback and one interface on the bridge.
     *
     * @param index the host number, 1 to 250; its address is {@code 10.213.<subnet>.<index>}
     * @return the host's namespace name
     */
    public String addHost(int index) throws IOException, InterruptedException {
        String ns = prefix + "-h" + index;
        String outside = prefix + "v" + index;
        ip("netns", "add", ns);
        hosts.add(ns);
        ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("link", "set", outside, "netns", switchNs);
        ip("-n", switchNs, "link", "set", outside, "master", "br0");
        ip("-n", switchNs, "link", "set", outside, "up");
        ip("-n", ns, "addr", "add", address(index) + "/24", "dev", "eth0");
        ip("-n", ns, "link", "set", "eth0", "up");
        ip("-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /**
     * Joins this machine (the test's own network namespace) to the bridge as
     * {@code 10.213.<subnet>.254}, so that a program of the test, such as a browser, reaches every
     * host. {@link #close()} removes the link.
     *
     * @return this machine's address on the bridge
     */
    public String joinThisMachine() throws IOException, InterruptedException {
        if (hostLink == null) {
            String link = prefix + "-host";
            String peer = prefix + "vh";
            ipQuiet("link", "delete", link);
            ip("link", "add", link, "type", "veth", "peer", "name", peer, "netns", switchNs);
            hostLink = link;
            ip("-n", switchNs, "link", "set", peer, "master", "br0");
            ip("-n", switchNs, "link", "set", peer, "up");
            ip("addr", "add", address(254) + "/24", "dev", link);
            ip("link", "set", link, "up");
        }
        return address(254);
    }

    /**
     * The address of a host.
     *
     * @param index the host number
     * @return its IPv4 address
     */
    public String address(int index) {
        return "10.213." + subnet + "." + index;
    }

    /**
     * The command prefix that runs a program in a host's network namespace. It enters the
     * network namespace only ({@code nsenter --net}), not a new mount namespace as
     * {@code ip netns exec} does: that one remounts {@code /sys}, which hides the cgroup
     * mounts, and runc then cannot start containers ("no cgroup mount found in mountinfo").
     *
     * @param ns the namespace
     * @return {@code nsenter --net=/run/netns/<ns>}
     */
    public static List<String> exec(String ns) {
        return List.of("nsenter", "--net=/run/netns/" + ns);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String ns : hosts) {
            ipQuiet("netns", "delete", ns);
        }
        hosts.clear();
        if (hostLink != null) {
            ipQuiet("link", "delete", hostLink);
            hostLink = null;
        }
        ipQuiet("netns", "delete", switchNs);
    }

    private void cleanupLeftovers() throws IOException, InterruptedException {
        // Namespaces of this prefix from an earlier run that was killed before its close().
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        for (String line : out.split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(prefix + "-")) {
                ipQuiet("netns", "delete", name);
            }
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
        }
    }

    private static void ipQuiet(String... args) throws InterruptedException {
        try {
            ip(args);
        } catch (IOException e) {
            // already gone
        }
    }
}
