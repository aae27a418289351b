package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** A real node process, run as an operator runs it: bin/start, bin/client, bin/stop. */
public class NodeProcessIT {

    private static final Pattern NODE_ID = Pattern.compile("Node id\\s+:\\s+([0-9a-f]{12})\\s+\\(([0-9a-f]{64})\\)");

    private KarafNode node;

    @Before
    public void unpack() throws Exception {
        node = KarafNode.unpack("process-it");
    }

    @After
    public void stopAndRemove() throws Exception {
        node.close();
        KarafNode.deleteTree(node.home());
    }

    @Test
    public void givenNodeStartedWithBinStart_whenRestarted_thenTheIdIsTheSame() throws Exception {
        node.start();
        String first = idOf(node.console("node:info"));
        node.stop();
        assertFalse("the node is down after bin/stop", node.pid().isPresent());

        node.start();
        String second = idOf(node.console("node:info"));
        assertEquals("node id survives a restart", first, second);
    }

    @Test
    public void givenFreshNode_thenNoWellKnownPasswordAndConsoleOnLoopbackOnly() throws Exception {
        node.start();
        var users = Files.readAllLines(node.home().resolve("etc/users.properties"));
        var userLines = users.stream().filter(l -> l.matches("^\\s*[A-Za-z0-9][^=#]*=.*")).toList();
        assertEquals("exactly one generated console user: " + userLines, 1, userLines.size());
        String password = userLines.get(0).split("=", 2)[1].split(",")[0].trim();
        assertTrue("a long random password, not a well-known one", password.length() >= 32);
        assertFalse(password.equals("karaf"));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(node.home().resolve("etc/users.properties"))));

        String listening = new String(new ProcessBuilder("ss", "-ltnp").start().getInputStream().readAllBytes());
        String sshPort = Files.readAllLines(node.home().resolve("etc/org.apache.karaf.shell.cfg")).stream()
                .filter(l -> l.startsWith("sshPort")).findFirst().orElseThrow().split("=")[1].trim();
        assertTrue("SSH console listens on 127.0.0.1:" + sshPort + ":\n" + listening,
                listening.contains("127.0.0.1:" + sshPort + " ") || listening.contains("127.0.0.1]:" + sshPort + " "));
        assertFalse("SSH console not on all interfaces", listening.contains("0.0.0.0:" + sshPort + " ")
                || listening.contains("*:" + sshPort + " "));
    }

    @Test
    public void givenOnlyPathNamesJava_whenTheOperatorUsesBinClient_thenNoJavaHomeWarning() throws Exception {
        node.start();
        String out = node.console(false, "node:info");
        assertTrue("the console answers without JAVA_HOME:\n" + out, out.contains("Node id"));
        assertFalse("no warning on every call:\n" + out, out.contains("JAVA_HOME not set"));
    }

    /**
     * Karaf 4.4's unix scripts no longer read {@code JAVA_MAX_MEM} (only its .bat files do): the
     * "modest, fixed heap" that bin/setenv set was never applied, and a node could grow its heap
     * to a quarter of the machine's memory. bin/setenv now passes it to the JVM itself.
     */
    @Test
    public void givenNoHeapSetting_thenTheNodeKeepsTheShippedHeap_andTheOperatorsSettingWins() throws Exception {
        node.start();
        String shipped = flags();
        assertEquals("the shipped -Xmx512M is in effect", 512L << 20, maxHeapBytes(shipped));
        // the footprint settings (docs/benchmarks.md, "Node footprint") reach the node's JVM
        assertTrue("the serial collector:\n" + shipped, shipped.contains("-XX:+UseSerialGC"));
        assertTrue("the native heap trimmed every 5 s:\n" + shipped, shipped.contains("-XX:TrimNativeHeapInterval=5000"));
        node.stop();
        node.start(Map.of("JAVA_MAX_MEM", "300M"));
        assertEquals("the operator's JAVA_MAX_MEM is in effect", 300L << 20, maxHeapBytes(flags()));
        node.stop();
        node.start(Map.of("EXTRA_JAVA_OPTS", "-Xmx200M -XX:+UseG1GC"));
        String own = flags();
        assertEquals("an -Xmx in EXTRA_JAVA_OPTS wins", 200L << 20, maxHeapBytes(own));
        assertTrue("the operator's collector wins:\n" + own, own.contains("-XX:+UseG1GC"));
        assertFalse("no second collector:\n" + own, own.contains("-XX:+UseSerialGC"));
    }

    /** The node JVM's flags, as jcmd reads them from the running process. */
    private String flags() throws Exception {
        long pid = node.pid().orElseThrow(() -> new AssertionError("the node runs"));
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd", Long.toString(pid), "VM.flags")
                .redirectErrorStream(true).start();
        String flags = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return flags;
    }

    /** The effective MaxHeapSize in the given flags. */
    private static long maxHeapBytes(String flags) {
        Matcher m = Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(flags);
        assertTrue("jcmd shows the heap size:\n" + flags, m.find());
        return Long.parseLong(m.group(1));
    }

    private String idOf(String info) throws Exception {
        Matcher m = NODE_ID.matcher(info);
        assertTrue("node:info shows the id:\n" + info + "\n" + node.logTail(), m.find());
        assertTrue(m.group(2).startsWith(m.group(1)));
        return m.group(2);
    }
}
