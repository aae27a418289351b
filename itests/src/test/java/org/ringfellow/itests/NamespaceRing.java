package org.ringfellow.itests;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * A ring of N real nodes, each in a network namespace of its own ({@link NetworkNamespaces},
 * {@link KarafNode}), with the ingress, the runc driver, the bundle runtime and the calculator's
 * feature, as the calculator's own multi-node test sets them up. What the resilience tests share:
 * start, deploy the calculator, ask it through a node's ingress, read every node's Ring and
 * fellowship views from its console, cut links with iptables and heal them, crash and restart a
 * node. {@link #close()} stops every node by its PID, removes the runc containers they left,
 * their directories and the namespaces (the iptables rules live and die with them).
 */
final class NamespaceRing implements AutoCloseable {

    /** The HTTP port of every node's ingress, on the node's own address. */
    static final int HTTP_PORT = 8181;
    /** The features every node installs. */
    static final String FEATURES = "ringfellow-ingress ringfellow-driver-runc ringfellow-runtime-bundle "
            + "ringfellow-example-calculator";

    private final NetworkNamespaces net;
    private final List<KarafNode> nodes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    /** The probability of the loss rules in force ({@link #lossy}), null if none. */
    private String lossRule;

    private NamespaceRing(NetworkNamespaces net) {
        this.net = net;
    }

    /**
     * Makes the namespaces and unpacks the nodes (not started). Node {@code i} (1-based) has the
     * address {@code 10.213.<subnet>.i}; every node but the first has the first as its seed.
     *
     * @param prefix a short unique prefix for namespaces and node directories
     * @param subnet the third octet of the addresses
     * @param size the number of nodes
     * @param configure called for each node (its 1-based index and the node) after the common settings
     * @return the ring
     */
    static NamespaceRing create(String prefix, int subnet, int size, BiConsumer<Integer, KarafNode> configure)
            throws IOException, InterruptedException {
        NamespaceRing ring = new NamespaceRing(NetworkNamespaces.create(prefix, subnet));
        try {
            for (int i = 1; i <= size; i++) {
                String ns = ring.net.addHost(i);
                ring.namespaces.add(ns);
                KarafNode n = KarafNode.unpack(prefix + "-" + i).inNamespace(ns);
                String cfg = "etc/org.ringfellow.ring.cfg";
                n.setProperty(cfg, "bindHost", ring.net.address(i));
                n.setProperty(cfg, "port", "7946");
                if (i > 1) {
                    n.setProperty(cfg, "seeds", ring.net.address(1) + ":7946");
                }
                n.setProperty("etc/org.ringfellow.fellowship.cfg", "advertisedHost", ring.net.address(i));
                n.setProperty("etc/org.ringfellow.fellowship.cfg", "channelPort", "7790");
                // the calculator asks cpu=1, memory=256m per member
                n.setProperty("etc/org.ringfellow.node.cfg", "cpus", "2");
                n.setProperty("etc/org.ringfellow.node.cfg", "memory", "1g");
                n.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(HTTP_PORT));
                n.setProperty("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses", ring.net.address(i));
                ring.nodes.add(n);
                configure.accept(i, n);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            ring.close();
            throw e;
        }
        return ring;
    }

    /** The nodes, in index order (node {@code i} is {@code nodes().get(i - 1)}). */
    List<KarafNode> nodes() {
        return nodes;
    }

    /** Node {@code i}, 1-based. */
    KarafNode node(int i) {
        return nodes.get(i - 1);
    }

    /** The number of nodes. */
    int size() {
        return nodes.size();
    }

    /** The address of node {@code i}. */
    String address(int i) {
        return net.address(i);
    }

    /**
     * Starts every node (two at a time: the machine's two cores), installs {@link #FEATURES} on
     * each and waits until every node sees all of them alive with runc and the bundle runtime.
     */
    void startAll() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (int i = 1; i <= size(); i++) {
                int index = i;
                started.add(pool.submit(() -> {
                    startAndInstall(index);
                    return null;
                }));
            }
            for (Future<?> f : started) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue("every node sees the " + size() + " nodes alive with runc and the bundle runtime:\n"
                + node(1).console("ring:members"), Poll.until(180, () -> allSeeAlive(size())));
    }

    /** Starts node {@code i} (after a crash too) and installs {@link #FEATURES} (already there after a restart). */
    void startAndInstall(int i) throws IOException, InterruptedException {
        KarafNode n = node(i);
        n.start();
        String out = n.console("feature:install " + FEATURES);
        assertTrue("node " + i + ": " + out, !out.toLowerCase().contains("error"));
    }

    /** Whether every running node counts {@code expected} members alive with runc and the bundle runtime. */
    boolean allSeeAlive(int expected) throws Exception {
        for (int i = 1; i <= size(); i++) {
            if (aliveCount(i) != expected) {
                return false;
            }
        }
        return true;
    }

    /** Members node {@code i} finds alive with runc and the bundle runtime, -1 if its console fails. */
    int aliveCount(int i) {
        try {
            return countAlive(node(i).console("ring:find driver=runc runtime=bundle"));
        } catch (Exception e) {
            return -1;
        }
    }

    static int countAlive(String ringFind) {
        int count = 0;
        for (String line : ringFind.split("\\R")) {
            String[] cols = line.trim().split("[\\s|]+");
            if (cols.length >= 4 && cols[0].matches("[0-9a-f]{12}") && cols[3].equals("ALIVE")) {
                count++;
            }
        }
        return count;
    }

    /** The calculator's jar in node {@code i}'s distribution. */
    Path calculatorJar(int i) {
        String v = System.getProperty("ringfellow.version");
        Path jar = node(i).home().resolve("system/org/ringfellow/org.ringfellow.examples.calculator/" + v
                + "/org.ringfellow.examples.calculator-" + v + ".jar");
        assertTrue(jar + " is in the distribution", Files.isRegularFile(jar));
        return jar;
    }

    /**
     * Writes a variant of the calculator's jar: some manifest headers replaced (another app
     * name, another size) and {@code padding} random bytes stored in it as a resource, to make
     * its transfer last.
     *
     * @param source the calculator's jar
     * @param out where to write the variant
     * @param headers main manifest headers to set
     * @param padding random bytes to add, 0 for none
     * @return {@code out}
     */
    static Path calculatorVariant(Path source, Path out, Map<String, String> headers, int padding) throws IOException {
        try (JarFile in = new JarFile(source.toFile())) {
            Manifest mf = new Manifest(in.getManifest());
            headers.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
            try (OutputStream file = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(file, mf)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (e.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME) || e.getName().equalsIgnoreCase("META-INF/")) {
                        continue;
                    }
                    jar.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream data = in.getInputStream(e)) {
                        data.transferTo(jar);
                    }
                    jar.closeEntry();
                }
                if (padding > 0) {
                    byte[] bytes = new byte[padding];
                    new Random(17).nextBytes(bytes);
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    JarEntry pad = new JarEntry("padding/random.bin");
                    pad.setMethod(ZipEntry.STORED);
                    pad.setSize(bytes.length);
                    pad.setCrc(crc.getValue());
                    jar.putNextEntry(pad);
                    jar.write(bytes);
                    jar.closeEntry();
                }
            }
        }
        return out;
    }

    /** What an HTTP request through a node's ingress returned (status -1: no answer). */
    record Answer(int status, String body) {
        boolean isResult(String expected) {
            return status == 200 && body.contains("\"result\": " + expected + ",");
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    /** Asks the calculator to evaluate through node {@code i}'s ingress (curl in its namespace). */
    Answer eval(int i, String expression, int timeoutSeconds) throws Exception {
        return eval(i, "calculator", expression, timeoutSeconds);
    }

    /** Asks a calculator deployed under the name {@code app} through node {@code i}'s ingress. */
    Answer eval(int i, String app, String expression, int timeoutSeconds) throws Exception {
        return get(i, "/apps/" + app + "/api/eval?expr="
                + URLEncoder.encode(expression, StandardCharsets.UTF_8).replace("+", "%20"), timeoutSeconds);
    }

    /** GET with curl inside node {@code i}'s namespace, to its own address. */
    Answer get(int i, String path, int timeoutSeconds) throws Exception {
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec(namespaces.get(i - 1)));
        cmd.addAll(List.of("curl", "-sS", "-m", Integer.toString(timeoutSeconds), "-w", "\n%{http_code}",
                "http://" + net.address(i) + ":" + HTTP_PORT + path));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Answer(-1, "curl did not finish");
        }
        int nl = out.lastIndexOf('\n');
        String code = out.substring(nl + 1).trim();
        return new Answer(code.matches("\\d{3}") && !code.equals("000") ? Integer.parseInt(code) : -1,
                out.substring(0, Math.max(nl, 0)));
    }

    /** One row of {@code fellowship:list} as a node printed it. */
    record FellowshipRow(int node, String id, int members, int target, long epoch, long version, String coordinator,
            boolean selfCoordinator) {
    }

    /** Node {@code i}'s fellowships from its {@code fellowship:list}; empty if it belongs to none or does not answer. */
    List<FellowshipRow> fellowships(int i) throws Exception {
        return parseFellowships(i, node(i).console("fellowship:list"));
    }

    static List<FellowshipRow> parseFellowships(int node, String out) {
        List<FellowshipRow> rows = new ArrayList<>();
        for (String line : out.split("\\R")) {
            String[] c = line.trim().split("\\s+");
            if (c.length == 6 && c[1].matches("\\d+/\\d+") && c[2].matches("\\d+") && c[3].matches("\\d+")
                    && c[4].matches("[0-9a-f]{12}")) {
                String[] m = c[1].split("/");
                rows.add(new FellowshipRow(node, c[0], Integer.parseInt(m[0]), Integer.parseInt(m[1]),
                        Long.parseLong(c[2]), Long.parseLong(c[3]), c[4], c[5].equals("coordinator")));
            }
        }
        return rows;
    }

    /** A node's Ring and fellowship views, read in one console call. */
    record Views(int node, int alive, List<FellowshipRow> fellowships) {
    }

    /** Node {@code i}'s views: members alive with runc and the bundle runtime, and its fellowships. */
    Views views(int i) throws Exception {
        String out = node(i).console("ring:find driver=runc runtime=bundle", "fellowship:list");
        return new Views(i, countAlive(out), parseFellowships(i, out));
    }

    /** Every running node's fellowships, node by node (one console call each). */
    Map<Integer, List<FellowshipRow>> allFellowships(Collection<Integer> which) throws Exception {
        Map<Integer, List<FellowshipRow>> all = new LinkedHashMap<>();
        for (int i : which) {
            all.put(i, fellowships(i));
        }
        return all;
    }

    /**
     * Cuts every link between the two sides: in each node's namespace, iptables drops what comes
     * from or goes to a node of the other side (TCP and UDP alike).
     */
    void partition(List<Integer> sideA, List<Integer> sideB) throws IOException, InterruptedException {
        for (int a : sideA) {
            for (int b : sideB) {
                drop(a, b, "-A");
                drop(b, a, "-A");
            }
        }
    }

    /** Removes the rules {@link #partition} added. */
    void heal(List<Integer> sideA, List<Integer> sideB) throws IOException, InterruptedException {
        for (int a : sideA) {
            for (int b : sideB) {
                drop(a, b, "-D");
                drop(b, a, "-D");
            }
        }
    }

    /**
     * Random loss on every link: in each node's namespace, iptables drops each packet arriving on
     * its link to the bridge ({@code eth0}) with probability {@code probability} (the
     * {@code statistic} match, random mode), TCP and UDP alike. Each packet crosses one such rule
     * (its receiver's), so every link loses that share in each direction; what a node sends
     * itself (its console, curl to its own ingress) goes over loopback and is not dropped.
     *
     * @param probability the share of packets dropped, 0 (exclusive) to 1
     */
    void lossy(double probability) throws IOException, InterruptedException {
        if (!(probability > 0 && probability < 1)) {
            throw new IllegalArgumentException("loss probability must be in (0, 1): " + probability);
        }
        if (lossRule != null) {
            lossless();
        }
        String p = String.format(java.util.Locale.ROOT, "%.4f", probability);
        for (int i = 1; i <= size(); i++) {
            iptables(i, lossRule(true, p));
        }
        lossRule = p;
    }

    /** Removes the rules of {@link #lossy}, if any. */
    void lossless() throws IOException, InterruptedException {
        if (lossRule == null) {
            return;
        }
        for (int i = 1; i <= size(); i++) {
            iptables(i, lossRule(false, lossRule));
        }
        lossRule = null;
    }

    private static String[] lossRule(boolean add, String probability) {
        return new String[] {add ? "-A" : "-D", "INPUT", "-i", "eth0", "-m", "statistic", "--mode", "random",
                "--probability", probability, "-j", "DROP"};
    }

    private void drop(int at, int peer, String op) throws IOException, InterruptedException {
        iptables(at, op, "INPUT", "-s", net.address(peer), "-j", "DROP");
        iptables(at, op, "OUTPUT", "-d", net.address(peer), "-j", "DROP");
    }

    private void iptables(int at, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec(namespaces.get(at - 1)));
        cmd.add("iptables");
        cmd.add("-w");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
    }

    /** The ids of the runc containers in node {@code i}'s runc root, live or not. */
    List<String> runcContainers(int i) throws IOException, InterruptedException {
        Path root = node(i).home().resolve("data/ringfellow/drivers/runc/root");
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        Process p = new ProcessBuilder("runc", "--root", root.toString(), "list", "-q").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        for (String id : out.split("\\R")) {
            if (!id.isBlank()) {
                ids.add(id.trim());
            }
        }
        return ids;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (KarafNode n : nodes) {
            try {
                n.close();
                RuncLeftovers.remove(n.home());
                if (!Boolean.getBoolean("itests.keep")) {
                    KarafNode.deleteTree(n.home());
                }
            } catch (Exception e) {
                System.err.println("cleaning up " + n.home() + ": " + e);
            }
        }
        net.close();
    }

    /** Polling with a deadline, without a timing assertion: the check either comes to hold or the test fails. */
    static final class Poll {

        interface Check {
            boolean holds() throws Exception;
        }

        private Poll() {
        }

        static boolean until(int seconds, Check check) throws Exception {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (check.holds()) {
                    return true;
                }
                Thread.sleep(500);
            }
            return check.holds();
        }
    }
}
