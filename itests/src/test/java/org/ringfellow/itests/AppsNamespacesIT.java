package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Test;

/**
 * Issue 7 across real nodes: four Karaf nodes, each in a network namespace of its own, form a
 * Ring; from one of them the operator deploys the shell-script example ({@code upper}, command
 * runtime) and the small bundle app ({@code echo}, bundle runtime) on three members each, with
 * runc. Events sent from one node reach a member's app in order; a member killed with
 * {@code kill -9} is replaced and the apps are back at full size (before that, the app process
 * of one member is killed inside its container and that member restarts it); undeploy leaves no
 * container, reservation or file behind (the killed node cleans up when it starts again).
 */
public class AppsNamespacesIT {

    private static final Pattern NODE_ID = Pattern.compile("Node id\\s+:\\s+([0-9a-f]{12})");
    /** A member row of app:status: node, name, container, driver, state. */
    private static final Pattern MEMBER = Pattern.compile("^([0-9a-f]{12})\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s");
    private static final long TIMEOUT_MILLIS = 180_000;

    private NetworkNamespaces net;
    private final List<KarafNode> nodes = new ArrayList<>();
    private final Map<String, KarafNode> byId = new LinkedHashMap<>();

    @After
    public void tearDown() throws Exception {
        for (KarafNode n : nodes) {
            n.close();
            removeRuncContainers(n.home());
            if (!Boolean.getBoolean("itests.keep")) {
                KarafNode.deleteTree(n.home());
            }
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    public void givenFourNodes_whenTwoAppsAreDeployedOnThreeMembersAndOneIsKilled_thenTheyHealAndUndeployCleanly()
            throws Exception {
        net = NetworkNamespaces.create("rfapp", 212);
        for (int i = 1; i <= 4; i++) {
            KarafNode n = KarafNode.unpack("apps-" + i).inNamespace(net.addHost(i));
            String ring = "etc/org.ringfellow.ring.cfg";
            n.setProperty(ring, "bindHost", net.address(i));
            n.setProperty(ring, "port", "7946");
            if (i > 1) {
                n.setProperty(ring, "seeds", net.address(1) + ":7946");
            }
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "advertisedHost", net.address(i));
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "channelPort", "7790");
            // room for both apps on one node: upper (250m, 16 MiB) and echo (1 CPU, 256 MiB)
            n.setProperty("etc/org.ringfellow.node.cfg", "cpus", "2");
            n.setProperty("etc/org.ringfellow.node.cfg", "memory", "2g");
            n.setProperty("etc/org.ringfellow.node.cfg", "name", "apps-" + i);
            nodes.add(n);
        }
        for (KarafNode n : nodes) {
            n.start();
            String out = n.console("feature:install ringfellow-driver-runc ringfellow-runtime-command "
                    + "ringfellow-runtime-bundle ringfellow-ingress");
            assertTrue(out, !out.toLowerCase().contains("error"));
            byId.put(shortId(n), n);
        }
        assertTrue("the four nodes see each other with their runtimes:\n" + nodes.get(0).console("ring:members"),
                poll(() -> nodes.stream().allMatch(n -> readyCount(n) == 4)));

        KarafNode founder = nodes.get(0);
        Path upper = upperJar(founder.home().resolve("upper.jar"));
        String deployed = founder.console("app:deploy " + upper);
        assertTrue(deployed + "\n" + founder.logTail(), deployed.contains("App upper is running on 3 member(s)."));
        assertTrue("progress is shown:\n" + deployed, deployed.contains("Recruiting 3 member(s)"));
        // the bundle app from the local Maven repository, through Karaf's mvn: URL handler
        String deployedEcho = founder.console("app:deploy mvn:org.ringfellow/org.ringfellow.runtime.bundle.testapp/"
                + System.getProperty("ringfellow.version"));
        assertTrue(deployedEcho + "\n" + founder.logTail(), deployedEcho.contains("App echo is running on 3 member(s)."));

        Map<String, String> upperMembers = members(founder, "upper");
        assertEquals(founder.console("app:status upper"), 3, upperMembers.size());
        upperMembers.values().forEach(v -> assertEquals("runc RUNNING", v));
        assertEquals(3, members(founder, "echo").size());
        for (String id : upperMembers.keySet()) {
            String containers = byId.get(id).console("container:list");
            assertTrue(containers, containers.contains("app-upper-"));
        }

        // the ingress of the node outside upper's fellowship passes a request to a member's ingress
        int spareIndex = nodes.indexOf(nodes.stream().filter(n -> {
            try {
                return !upperMembers.containsKey(shortId(n));
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow());
        assertTrue("the node outside the fellowship serves upper through a member",
                poll(() -> curl(spareIndex, "/apps/upper/shout").equals("200 /SHOUT")));

        // upper keeps the default HTTP mode: whichever member's ingress a request reaches, and the
        // node outside the fellowship, the coordinator's app answers it (X-Ringfellow-Served-By)
        int upperCoordinator = -1;
        for (int i = 0; i < nodes.size(); i++) {
            for (String line : nodes.get(i).console("fellowship:list").split("\\R")) {
                if (line.contains("app.upper") && line.trim().endsWith(" coordinator")) {
                    upperCoordinator = i;
                }
            }
        }
        assertTrue("one node coordinates app.upper", upperCoordinator >= 0);
        for (int i = 0; i < nodes.size(); i++) {
            String served = servedBy(i, "/apps/upper/shout");
            assertTrue("a request for upper through node " + (i + 1) + " is served by node " + (upperCoordinator + 1)
                    + ": " + served, served.startsWith("200 apps-" + (upperCoordinator + 1) + " ("));
        }

        // events from one sender reach a member's app in the order sent
        String founderId = shortId(founder);
        String target = upperMembers.keySet().stream().filter(id -> !id.equals(founderId)).findFirst().orElseThrow();
        List<String> sends = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            sends.add("app:send upper " + target + " seq n" + i);
        }
        founder.console(sends.toArray(String[]::new));
        assertTrue("all 30 messages arrive", poll(() -> founder.console("app:logs upper " + target)
                .contains("message on seq: n30")));
        String log = founder.console("app:logs upper " + target);
        int last = -1;
        for (int i = 1; i <= 30; i++) {
            int at = log.indexOf("message on seq: n" + i + "\n");
            assertTrue("message " + i + " is in the log:\n" + log, at >= 0);
            assertTrue("message " + i + " comes after message " + (i - 1) + ":\n" + log, at > last);
            last = at;
        }

        // the app's process killed inside its container, by its host PID: that member restarts it
        long killed = killAppProcess(byId.get(target).home(), "app-upper-");
        assertTrue("upper runs again on " + target + " (pid " + killed + " killed) after one restart:\n"
                + founder.console("app:status upper"), poll(() -> {
                    String line = memberLine(founder, "upper", target);
                    return line.contains(" RUNNING ") && line.contains("restarted 1 time(s)")
                            && line.contains("exited with code 137");
                }));
        String restartLog = founder.console("app:logs upper " + target);
        assertTrue(restartLog, restartLog.contains("restart 1 of this part")
                && restartLog.indexOf("upper started as member") < restartLog.lastIndexOf("upper started as member"));
        assertEquals(founder.console("app:status upper"), 3, members(founder, "upper").size());

        // kill -9 of a member that is not the founder: both apps come back at full size
        KarafNode victim = byId.get(target);
        victim.kill9();
        assertTrue("upper is back at 3 members without the victim:\n" + founder.console("app:status upper"),
                poll(() -> {
                    Map<String, String> m = members(founder, "upper");
                    return m.size() == 3 && !m.containsKey(target)
                            && m.values().stream().allMatch("runc RUNNING"::equals)
                            && founder.console("app:status upper").contains("State:    RUNNING");
                }));
        assertTrue("echo is back at full size:\n" + founder.console("app:status echo"),
                poll(() -> founder.console("app:status echo").contains("State:    RUNNING")
                        && !members(founder, "echo").containsKey(target)));

        // the founder restarts: its apps are still listed there, and the fellowship takes it back
        founder.stop();
        founder.start();
        String listed = founder.console("app:list");
        assertTrue(listed, listed.contains("upper") && listed.contains("echo"));
        assertTrue("upper runs on 3 members again, the founder among them:\n" + founder.console("app:status upper"),
                poll(() -> {
                    Map<String, String> m = members(founder, "upper");
                    return m.size() == 3 && m.containsKey(founderId)
                            && m.values().stream().allMatch("runc RUNNING"::equals);
                }));

        // undeploy: nothing left on any live node
        String out = founder.console("app:undeploy upper", "app:undeploy echo");
        assertTrue(out, out.contains("Undeployed upper.") && out.contains("Undeployed echo."));
        for (KarafNode n : nodes) {
            if (n == victim) {
                continue;
            }
            assertTrue("no app, container or reservation left on " + n.home() + ":\n" + n.console("app:list",
                    "container:list", "fellowship:policy"), poll(() -> isClean(n)));
        }
        // Karaf's deploy folder: a dropped app jar is deployed, its removal undeploys it
        Path dropped = founder.home().resolve("deploy/upper.jar");
        Files.copy(upper, dropped);
        assertTrue("the dropped app runs on 3 members:\n" + founder.console("app:status upper") + founder.logTail(),
                poll(() -> founder.console("app:status upper").contains("State:    RUNNING")));
        Files.delete(dropped);
        assertTrue("removing the file undeploys the app:\n" + founder.console("app:list"),
                poll(() -> isClean(founder)));

        // the killed node starts again and removes what its crash left
        victim.start();
        assertTrue("the restarted node removed its leftovers:\n" + victim.console("app:list", "container:list"),
                poll(() -> isClean(victim)));
    }

    private static boolean isClean(KarafNode n) throws Exception {
        String apps = n.console("app:list");
        String containers = n.console("container:list");
        List<String> files = new ArrayList<>();
        Path dir = n.home().resolve("data/ringfellow/apps");
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).forEach(p -> files.add(p.toString()));
            }
        }
        return apps.contains("No app is deployed") && !containers.contains("app-") && files.isEmpty()
                && !n.console("fellowship:list", "fellowship:policy").contains("app.");
    }

    /** GET through a node's ingress: "status servedBy", the node whose app answered. */
    private String servedBy(int index, String path) throws Exception {
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec("rfapp-h" + (index + 1)));
        cmd.addAll(List.of("curl", "-sS", "-m", "30", "-o", "/dev/null", "-w",
                "%{http_code} %header{x-ringfellow-served-by}", "http://" + net.address(index + 1) + ":8181" + path));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    /** GET through a node's ingress, from inside its namespace: "status body". */
    private String curl(int index, String path) throws Exception {
        List<String> cmd = new ArrayList<>(NetworkNamespaces.exec("rfapp-h" + (index + 1)));
        cmd.addAll(List.of("curl", "-sS", "-m", "30", "-o", "-", "-w", " %{http_code}",
                "http://" + net.address(index + 1) + ":8181" + path));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        p.waitFor();
        int sp = out.lastIndexOf(' ');
        return sp < 0 ? out : out.substring(sp + 1) + " " + out.substring(0, sp);
    }

    /** The upper example packed as its README says, its size 3. */
    private static Path upperJar(Path jar) throws IOException {
        Path example = Path.of(System.getProperty("ringfellow.upper"));
        Manifest mf;
        try (var in = Files.newInputStream(example.resolve("MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.putNextEntry(new JarEntry("upper.sh"));
            j.write(Files.readAllBytes(example.resolve("upper.sh")));
            j.closeEntry();
        }
        return jar;
    }

    /** An app's members as app:status shows them on a node: short id to "driver STATE". */
    private static Map<String, String> members(KarafNode n, String app) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : n.console("app:status " + app).split("\\R")) {
                Matcher m = MEMBER.matcher(line.trim() + " ");
                if (m.find()) {
                    out.put(m.group(1), m.group(4) + " " + m.group(5));
                }
            }
        } catch (Exception e) {
            // a node that is down shows nothing
        }
        return out;
    }

    /** The line of app:status on a node for one member. */
    private static String memberLine(KarafNode n, String app, String member) throws Exception {
        for (String line : n.console("app:status " + app).split("\\R")) {
            if (line.trim().startsWith(member)) {
                return line.trim() + " ";
            }
        }
        return "";
    }

    /**
     * Kills with SIGKILL the app process in a node's runc container whose id starts with
     * {@code prefix}: the child of the container's init, found by the init's host PID.
     */
    private static long killAppProcess(Path home, String prefix) throws Exception {
        Path root = home.resolve("data/ringfellow/drivers/runc/root");
        Process p = new ProcessBuilder("runc", "--root", root.toString(), "list").redirectErrorStream(true).start();
        String list = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        long init = 0;
        for (String line : list.split("\\R")) {
            String[] cols = line.trim().split("[\\s|]+");
            if (cols.length > 2 && cols[0].startsWith(prefix) && cols[2].equals("running")) {
                init = Long.parseLong(cols[1]);
            }
        }
        assertTrue("a running container " + prefix + "* in:\n" + list, init > 0);
        String children = Files.readString(Path.of("/proc/" + init + "/task/" + init + "/children")).trim();
        long app = children.isEmpty() ? init : Long.parseLong(children.split(" ")[0]);
        ProcessHandle h = ProcessHandle.of(app).orElseThrow(() -> new AssertionError("no process " + children));
        assertTrue(h.destroyForcibly());
        return app;
    }

    private static String shortId(KarafNode n) throws Exception {
        Matcher m = NODE_ID.matcher(n.console("node:info"));
        assertTrue(m.find());
        return m.group(1);
    }

    /** Members a node finds alive with the runc driver and both runtimes. */
    private static int readyCount(KarafNode viewer) {
        return Math.min(viewer.aliveFound("driver=runc runtime=command"), viewer.aliveFound("driver=runc runtime=bundle"));
    }

    /** Kills and deletes whatever runc containers a node's driver left (a killed node leaves them running). */
    private static void removeRuncContainers(Path home) throws Exception {
        Path root = home.resolve("data/ringfellow/drivers/runc/root");
        if (!Files.isDirectory(root)) {
            return;
        }
        Process p = new ProcessBuilder("runc", "--root", root.toString(), "list", "-q").redirectErrorStream(true)
                .start();
        String ids = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        for (String id : ids.split("\\R")) {
            if (id.isBlank()) {
                continue;
            }
            new ProcessBuilder("runc", "--root", root.toString(), "delete", "-f", id.trim()).inheritIO().start()
                    .waitFor();
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
