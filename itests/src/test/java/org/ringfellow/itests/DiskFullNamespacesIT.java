package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * Issue 17, point 5: the node's data directory ({@code data/ringfellow}: its store, keys, app
 * artifacts and records, the drivers' state) on a small tmpfs, filled up. A deploy then fails
 * with a clear error naming the lack of space, and the node keeps answering; once space is
 * back the same deploy runs and answers through the ingress; after a restart the node has the
 * same identity and still lists the app it deployed (its store is not corrupted), and its log
 * names no corrupt store. The app is the calculator with one member (its size header set to 1),
 * so one node is enough. What happened is printed and written to
 * {@code target/resilience/disk-full.txt}.
 */
public class DiskFullNamespacesIT {

    private static final String TMPFS_SIZE = System.getProperty("resilience.tmpfsSize", "256m");

    private NamespaceRing ring;
    private Path mount;
    private final StringBuilder report = new StringBuilder();

    @After
    public void tearDown() throws Exception {
        if (ring != null) {
            for (KarafNode n : ring.nodes()) {
                n.close();
                RuncLeftovers.remove(n.home());
            }
        }
        if (mount != null) {
            run("umount", mount.toString());
        }
        if (ring != null) {
            ring.close();
        }
    }

    @Test
    public void givenAFullDataDirectory_whenDeploying_thenAClearErrorAndTheNodeRecoversOnceSpaceIsBack() throws Exception {
        ring = NamespaceRing.create("rfdisk", 223, 1, (i, n) -> { });
        KarafNode node = ring.node(1);
        mount = node.home().resolve("data/ringfellow");
        Files.createDirectories(mount);
        String mounted = run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE + ",mode=0700", "tmpfs", mount.toString());
        assertTrue("tmpfs mounted on " + mount + ": " + mounted, run("mountpoint", mount.toString()).contains("is a mountpoint"));
        try {
            ring.startAll();
            String id = nodeId(node.console("node:info"));
            Path jar = NamespaceRing.calculatorVariant(ring.calculatorJar(1), node.home().resolve("calc1.jar"),
                    Map.of("Ringfellow-App", "calc1", "Ringfellow-App-Size", "1"), 0);
            report.append("node ").append(id).append(", data directory on a tmpfs of ").append(TMPFS_SIZE)
                    .append(", ").append(df()).append(" before it is filled\n");

            // fill it: one file until the tmpfs has no byte left
            Path filler = mount.resolve("filler");
            String dd = run("dd", "if=/dev/zero", "of=" + filler, "bs=1M");
            assertTrue("dd stops on a full disk: " + dd, dd.contains("No space left on device"));
            report.append("filled: ").append(df()).append('\n');

            String refused = node.console("app:deploy " + jar);
            report.append("app:deploy on the full disk printed: ").append(oneLine(refused)).append('\n');
            assertFalse("the deploy does not claim success on a full disk: " + refused,
                    refused.contains("is running on"));
            assertTrue("the error says the disk is full: " + refused + "\n" + node.logTail(),
                    refused.toLowerCase().contains("no space left") || refused.toLowerCase().contains("disk is full")
                            || refused.toLowerCase().contains("not enough space"));
            // and names what could not be written: the node's store, not the artifact (docs/reliability.md, defect 4)
            assertTrue("the error names the node's artifact store: " + refused, refused.contains("artifact store"));
            String info = node.console("node:info");
            assertTrue("the node still answers on a full disk: " + info, info.contains(id));
            report.append("node:info on the full disk answers: yes; app:list: ")
                    .append(oneLine(node.console("app:list"))).append('\n');

            // space back: the same deploy runs
            Files.delete(filler);
            report.append("space back: ").append(df()).append('\n');
            String deployed = node.console("app:deploy " + jar);
            report.append("app:deploy once space is back printed: ").append(oneLine(deployed)).append('\n');
            assertTrue(deployed + "\n" + node.logTail(), deployed.contains("App calc1 is running on 1 member(s)."));
            assertTrue("the app answers 6*7 through the ingress",
                    NamespaceRing.Poll.until(120, () -> ring.eval(1, "calc1", "6*7", 20).isResult("42")));

            // a restart: same identity, the store reads, the founder's record of the app is kept
            node.stop();
            RuncLeftovers.remove(node.home());
            ring.startAndInstall(1);
            String after = node.console("node:info", "app:list");
            assertEquals("the same node id after the restart: " + after, id, nodeId(after));
            assertTrue("the app this node deployed is still listed after the restart: " + after, after.contains("calc1"));
            String log = Files.readString(node.home().resolve("data/log/karaf.log"), StandardCharsets.UTF_8);
            assertFalse("no corrupt store in the log", log.toLowerCase().contains("corrupt"));
            report.append("after a restart: same node id, app:list ").append(oneLine(node.console("app:list")))
                    .append(", no 'corrupt' in the log\n");
        } finally {
            System.out.println(report);
            Path out = Path.of("target/resilience/disk-full.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
        }
    }

    private String df() throws IOException, InterruptedException {
        String[] lines = run("df", "-k", "--output=size,used,avail", mount.toString()).trim().split("\\R");
        String[] c = lines[lines.length - 1].trim().split("\\s+");
        return c.length == 3 ? "size " + c[0] + " KiB, used " + c[1] + " KiB, free " + c[2] + " KiB" : String.join(" ", lines);
    }

    private static String nodeId(String info) {
        Matcher m = Pattern.compile("Node id\\s*:?\\s*([0-9a-f]{12})").matcher(info);
        assertTrue("a node id in: " + info, m.find());
        return m.group(1);
    }

    private static String oneLine(String s) {
        String t = s.trim().replaceAll("\\s*\\R\\s*", " | ");
        return t.length() > 600 ? t.substring(0, 600) + "..." : t;
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cmd));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
