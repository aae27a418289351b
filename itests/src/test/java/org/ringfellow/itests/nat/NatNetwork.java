package org.ringfellow.itests.nat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small internet on one machine, for NAT tests: a public segment (a bridge in a namespace of
 * its own, {@code 10.213.<subnet>.0/24}), public hosts on it, and NAT routers, each a namespace
 * with a WAN interface on the public segment ({@code 10.213.<subnet>.<200 + router>}) and a LAN
 * bridge ({@code 10.213.<subnet + router>.0/24}, the router at {@code .1}) with private hosts
 * behind it. Nothing is added to the machine's own network namespace.
 *
 * <p>A router translates with iptables in its own namespace:
 * <ul>
 * <li>{@link Nat#ENDPOINT_INDEPENDENT}: {@code MASQUERADE}. Linux keeps a flow's source port
 * when it is free, so one private socket gets one public mapping whatever it talks to
 * (endpoint-independent mapping); inbound packets pass only for flows that conntrack knows
 * (address-and-port-dependent filtering). {@link Router#forward} adds a DNAT rule for one port,
 * which together with the preserved mapping emulates a full cone for that port, as far as Linux
 * NAT goes.</li>
 * <li>{@link Nat#SYMMETRIC}: {@code MASQUERADE --random}: every new flow (another destination)
 * gets a random public port.</li>
 * </ul>
 * Unsolicited inbound traffic on the WAN that is not a forwarded port is dropped (FORWARD chain).
 *
 * <p>{@link #close()} deletes the rules it added (tagged with a comment naming the network), then
 * the namespaces it created, which takes their veths with them. {@link #create} first removes
 * namespaces and links of the same prefix left by a run that was killed before its close.
 */
public final class NatNetwork implements AutoCloseable {

    /** How a router maps private flows to public ones. */
    public enum Nat {
        /** One public mapping per private socket (MASQUERADE, port preserving). */
        ENDPOINT_INDEPENDENT,
        /** A new random public port per destination (MASQUERADE --random). */
        SYMMETRIC
    }

    private final String prefix;
    private final int subnet;
    private final String publicNs;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Router> routers = new ArrayList<>();

    private NatNetwork(String prefix, int subnet) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.publicNs = prefix + "-pub";
    }

    /**
     * Makes the public segment.
     *
     * @param prefix a unique prefix of 1-6 characters {@code [a-z0-9]} for namespace and link names
     * @param subnet the public segment's third octet, 1 to 240; routers' LANs use the next ones
     * @return the network
     */
    public static NatNetwork create(String prefix, int subnet) throws IOException, InterruptedException {
        if (prefix == null || !prefix.matches("[a-z0-9]{1,6}")) {
            throw new IllegalArgumentException("prefix must be 1-6 of [a-z0-9]: " + prefix);
        }
        if (subnet < 1 || subnet > 240) {
            throw new IllegalArgumentException("subnet must be 1..240: " + subnet);
        }
        NatNetwork net = new NatNetwork(prefix, subnet);
        net.cleanupLeftovers();
        try {
            net.addNamespace(net.publicNs);
            run("ip", "-n", net.publicNs, "link", "add", "br0", "type", "bridge");
            run("ip", "-n", net.publicNs, "link", "set", "br0", "up");
            run("ip", "-n", net.publicNs, "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    /**
     * Adds a host on the public segment.
     *
     * @param index 1 to 199; its address is {@code 10.213.<subnet>.<index>}
     * @return its namespace name
     */
    public String addPublicHost(int index) throws IOException, InterruptedException {
        if (index < 1 || index > 199) {
            throw new IllegalArgumentException("public host index must be 1..199: " + index);
        }
        String ns = prefix + "-p" + index;
        addNamespace(ns);
        plug(ns, publicNs, prefix + "p" + index, "br0", publicAddress(index) + "/24");
        return ns;
    }

    /** @return the address of public host {@code index} */
    public String publicAddress(int index) {
        return "10.213." + subnet + "." + index;
    }

    /**
     * Adds a NAT router.
     *
     * @param index 1 to 9: its WAN address is {@code 10.213.<subnet>.<200 + index>}, its LAN
     *        {@code 10.213.<subnet + index>.0/24}
     * @param nat how it maps
     * @return the router
     */
    public Router addRouter(int index, Nat nat) throws IOException, InterruptedException {
        if (index < 1 || index > 9) {
            throw new IllegalArgumentException("router index must be 1..9: " + index);
        }
        if (nat == null) {
            throw new IllegalArgumentException("nat type is required");
        }
        Router r = new Router(index, nat);
        r.build();
        routers.add(r);
        return r;
    }

    /** A NAT router and the private hosts behind it. */
    public final class Router {
        private final int index;
        private final Nat nat;
        private final String ns;
        private final int lan;
        private final List<String[]> rules = new ArrayList<>();

        private Router(int index, Nat nat) {
            this.index = index;
            this.nat = nat;
            this.ns = prefix + "-r" + index;
            this.lan = subnet + index;
        }

        private void build() throws IOException, InterruptedException {
            addNamespace(ns);
            plug(ns, publicNs, prefix + "w" + index, "br0", wanAddress() + "/24");
            run("ip", "-n", ns, "link", "add", "lan", "type", "bridge");
            run("ip", "-n", ns, "addr", "add", lanAddress(1) + "/24", "dev", "lan");
            run("ip", "-n", ns, "link", "set", "lan", "up");
            run(in(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));
            String lanNet = "10.213." + lan + ".0/24";
            if (nat == Nat.SYMMETRIC) {
                rule("nat", "POSTROUTING", "-s", lanNet, "-o", "eth0", "-j", "MASQUERADE", "--random");
            } else {
                rule("nat", "POSTROUTING", "-s", lanNet, "-o", "eth0", "-j", "MASQUERADE");
            }
            rule("filter", "FORWARD", "-i", "eth0", "-o", "lan", "-m", "conntrack", "--ctstate",
                    "ESTABLISHED,RELATED,DNAT", "-j", "ACCEPT");
            rule("filter", "FORWARD", "-i", "eth0", "-o", "lan", "-j", "DROP");
        }

        /**
         * Adds a host behind this router, with its default route through the router.
         *
         * @param host 2 to 199; its address is {@code 10.213.<lan>.<host>}
         * @return its namespace name
         */
        public String addHost(int host) throws IOException, InterruptedException {
            if (host < 2 || host > 199) {
                throw new IllegalArgumentException("private host index must be 2..199: " + host);
            }
            String hostNs = prefix + "-r" + index + "h" + host;
            addNamespace(hostNs);
            plug(hostNs, ns, prefix + "r" + index + "h" + host, "lan", lanAddress(host) + "/24");
            run("ip", "-n", hostNs, "route", "add", "default", "via", lanAddress(1));
            return hostNs;
        }

        /**
         * Forwards a UDP and TCP port of the WAN address to the same port of a private host
         * (a DNAT rule): with the preserved source port this emulates a full-cone mapping for
         * that port. Only meaningful on an {@link Nat#ENDPOINT_INDEPENDENT} router.
         */
        public void forward(int port, int host) throws IOException, InterruptedException {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535: " + port);
            }
            if (nat != Nat.ENDPOINT_INDEPENDENT) {
                throw new IllegalStateException("a forwarded port on a symmetric NAT would not be symmetric");
            }
            for (String proto : List.of("udp", "tcp")) {
                rule("nat", "PREROUTING", "-i", "eth0", "-p", proto, "--dport", String.valueOf(port), "-j", "DNAT",
                        "--to-destination", lanAddress(host) + ":" + port);
            }
        }

        /** @return the router's public address */
        public String wanAddress() {
            return "10.213." + subnet + "." + (200 + index);
        }

        /** @return the address of host {@code host} behind this router (1 is the router) */
        public String lanAddress(int host) {
            return "10.213." + lan + "." + host;
        }

        /** @return the router's namespace */
        public String namespace() {
            return ns;
        }

        /** @return the rules this router holds, as {@code iptables -S} prints them, for the tag */
        public List<String> taggedRules() throws IOException, InterruptedException {
            List<String> out = new ArrayList<>();
            for (String table : List.of("nat", "filter")) {
                for (String line : output(in(ns, "iptables", "-t", table, "-S")).split("\n")) {
                    if (line.contains(tag())) {
                        out.add(table + " " + line.trim());
                    }
                }
            }
            return out;
        }

        private void rule(String table, String chain, String... spec) throws IOException, InterruptedException {
            List<String> s = new ArrayList<>(List.of(spec));
            s.addAll(List.of("-m", "comment", "--comment", tag()));
            String[] full = new String[s.size() + 2];
            full[0] = table;
            full[1] = chain;
            for (int i = 0; i < s.size(); i++) {
                full[i + 2] = s.get(i);
            }
            iptables("-A", full);
            rules.add(full);
        }

        private void iptables(String op, String[] rule) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-t", rule[0], op, rule[1]));
            for (int i = 2; i < rule.length; i++) {
                cmd.add(rule[i]);
            }
            run(in(ns, cmd.toArray(String[]::new)));
        }

        private void removeRules() throws InterruptedException {
            for (int i = rules.size() - 1; i >= 0; i--) {
                try {
                    iptables("-D", rules.get(i));
                } catch (IOException e) {
                    // the namespace is gone already
                }
            }
            rules.clear();
        }
    }

    /** The comment every rule of this network carries. */
    String tag() {
        return "ringfellow-" + prefix;
    }

    /**
     * The command prefix that runs a program in a namespace: {@code nsenter --net} only (see
     * {@code NetworkNamespaces.exec}).
     */
    public static List<String> exec(String ns) {
        return List.of("nsenter", "--net=/run/netns/" + ns);
    }

    /** @return every namespace this network created and still holds */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    @Override
    public void close() throws InterruptedException {
        for (Router r : routers) {
            r.removeRules();
        }
        routers.clear();
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            quiet("ip", "netns", "delete", namespaces.get(i));
        }
        namespaces.clear();
    }

    private void addNamespace(String ns) throws IOException, InterruptedException {
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    /**
     * A veth pair: {@code eth0} with {@code address} in {@code ns}, the other end (named
     * {@code outside}) on bridge {@code bridge} of namespace {@code switchNs}.
     */
    private static void plug(String ns, String switchNs, String outside, String bridge, String address)
            throws IOException, InterruptedException {
        run("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "link", "set", outside, "netns", switchNs);
        run("ip", "-n", switchNs, "link", "set", outside, "master", bridge);
        run("ip", "-n", switchNs, "link", "set", outside, "up");
        run("ip", "-n", ns, "addr", "add", address, "dev", "eth0");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
    }

    private void cleanupLeftovers() throws IOException, InterruptedException {
        for (String line : output("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(prefix + "-")) {
                quiet("ip", "netns", "delete", name);
            }
        }
        // A veth made in this namespace by a run killed before it was moved away.
        for (String link : links()) {
            if (link.startsWith(prefix)) {
                quiet("ip", "link", "delete", link);
            }
        }
    }

    /** @return the names of the links of the machine's own namespace */
    static List<String> links() throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String line : output("ip", "-o", "link", "show").split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length > 1) {
                out.add(f[1].split("@")[0].trim());
            }
        }
        return out;
    }

    private static String[] in(String ns, String... command) {
        List<String> cmd = new ArrayList<>(exec(ns));
        cmd.addAll(List.of(command));
        return cmd.toArray(String[]::new);
    }

    static String output(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim());
        }
        return out;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        output(cmd);
    }

    private static void quiet(String... cmd) throws InterruptedException {
        try {
            output(cmd);
        } catch (IOException e) {
            // already gone
        }
    }
}
