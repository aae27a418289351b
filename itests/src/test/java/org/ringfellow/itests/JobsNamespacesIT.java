package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * Issue 14 on real nodes: three Karaf nodes, each in a network namespace of its own, with the runc driver and the
 * {@code ringfellow-jobs} feature. The example job of docs/jobs.md ({@code docs/examples/jobs/primes.yaml}: the
 * primes below 100,000 counted in ten ranges, quorum 2) is submitted with {@code job:submit} on the first node,
 * which founds a job fellowship of the three and runs tasks too; every task runs in a real runc container. The
 * third node is a cheater: its {@code base} image is replaced (test fixture, {@code image:import}) by one whose
 * {@code /bin/sh} adds a line to every task's output, so each of its results is wrong. The job ends with every task
 * validated and every result right, the cheater excluded with its results rejected as invalid, the honest members
 * with none invalid, and no container left on any node. A job naming an image the submitter lacks is refused at
 * submit. Then the second node submits a job whose results differ harmlessly (a random stamp after the answer),
 * validated by a validator command comparing the first field only: every task valid, the honest members' results
 * all valid, the cheater's none; the second node restarts and still has every result.
 */
public class JobsNamespacesIT {

    private static final long TIMEOUT_MILLIS = 300_000;
    private static final Pattern NODE_ID = Pattern.compile("Node id\\s+:\\s+([0-9a-f]{12})");
    private static final Pattern SUBMITTED = Pattern.compile("Job (primes-[0-9a-f]{8}) submitted");
    private static final Pattern STAMPS = Pattern.compile("Job (stamps-[0-9a-f]{8}) submitted");
    private static final Pattern COMPARISONS = Pattern.compile("Validator: (\\d+) comparison");
    /** Tasks of the validated job. */
    private static final int TASKS_STAMPED = 12;
    /** The primes in each range of 10,000 below 100,000 (pi(10^4) = 1229, ..., pi(10^5) = 9592). */
    private static final int[] PRIMES = {1229, 1033, 983, 958, 930, 924, 878, 902, 876, 879};

    private NetworkNamespaces net;
    private final List<KarafNode> nodes = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private Path scratch;

    @After
    public void tearDown() throws Exception {
        for (KarafNode n : nodes) {
            n.close();
            RuncLeftovers.remove(n.home());
            if (!Boolean.getBoolean("itests.keep")) {
                KarafNode.deleteTree(n.home());
            }
        }
        if (net != null) {
            net.close();
        }
        if (scratch != null) {
            KarafNode.deleteTree(scratch);
        }
    }

    @Test
    public void givenThreeNodesOneACheater_whenTheExampleJobRuns_thenEveryTaskIsValidAndTheCheaterIsExcluded()
            throws Exception {
        net = NetworkNamespaces.create("rfjob", 223);
        for (int i = 1; i <= 3; i++) {
            String ns = net.addHost(i);
            KarafNode n = KarafNode.unpack("job-" + i).inNamespace(ns);
            String ring = "etc/org.ringfellow.ring.cfg";
            n.setProperty(ring, "bindHost", net.address(i));
            n.setProperty(ring, "port", "7946");
            if (i > 1) {
                n.setProperty(ring, "seeds", net.address(1) + ":7946");
            }
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "advertisedHost", net.address(i));
            n.setProperty("etc/org.ringfellow.fellowship.cfg", "channelPort", "7790");
            n.setProperty("etc/org.ringfellow.node.cfg", "cpus", "2");
            n.setProperty("etc/org.ringfellow.node.cfg", "memory", "1g");
            nodes.add(n);
        }
        startAndInstall(nodes.get(0));
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (KarafNode n : nodes.subList(1, nodes.size())) {
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    startAndInstall(n);
                } catch (Exception e) {
                    throw new IllegalStateException(n.home() + ": " + e.getMessage(), e);
                }
            }));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        for (KarafNode n : nodes) {
            ids.add(shortId(n));
        }
        assertTrue("the three nodes see each other with runc:\n" + nodes.get(0).console("ring:members"),
                poll(() -> nodes.stream().allMatch(n -> readyCount(n) == 3)));

        // the cheater: a base image whose shell lies (a fixture of this test; the product has no such switch)
        KarafNode cheater = nodes.get(2);
        scratch = Files.createTempDirectory("rfjob-");
        Path tar = cheatImage(scratch);
        String imported = cheater.console("image:import base " + tar);
        assertTrue(imported, imported.startsWith("base sha256:"));

        KarafNode submitter = nodes.get(0);
        String bad = submitter.console("job:submit " + scratch.resolve("missing.yaml"));
        assertTrue(bad, bad.contains("is not a regular file"));

        Path example = Path.of("../docs/examples/jobs/primes.yaml").toAbsolutePath().normalize();
        assertTrue(example + " is shipped", Files.isRegularFile(example));
        String[] status = new String[1];
        String job = submitAndWait(submitter, example, SUBMITTED, "the job ends", status);
        assertTrue(status[0] + "\n" + submitter.logTail(), status[0].contains("Phase:     DONE\n")
                || status[0].contains("Phase:     DONE\r"));
        assertTrue(status[0], status[0].contains("Tasks:     10: 0 pending, 0 running, 10 validated, 0 failed"));
        assertTrue(status[0], status[0].contains("Collected: 10"));
        for (int i = 0; i < 3; i++) {
            String row = memberRow(status[0], ids.get(i));
            assertTrue("node " + (i + 1) + " took part:\n" + status[0], row != null);
            String[] cols = row.trim().split("[\\s|]+");
            // Member, CV, Valid, Invalid, Excluded
            long invalid = Long.parseLong(cols[3]);
            if (i == 2) {
                assertTrue("the cheater's results are rejected: " + row, invalid >= 2);
                assertEquals("the cheater is excluded: " + row, "yes", cols[4]);
            } else {
                assertEquals("an honest member has no invalid result: " + row, 0, invalid);
                assertEquals(row, "no", cols[4]);
            }
        }

        Path results = scratch.resolve("results");
        String written = submitter.console("job:results " + job + " " + results);
        assertTrue(written, written.contains("10 result(s) of job " + job + " written"));
        int total = 0;
        for (int t = 0; t < 10; t++) {
            String line = Files.readString(results.resolve(Integer.toString(t)).resolve("stdout"),
                    StandardCharsets.UTF_8);
            int from = t * 10_000 + 1;
            assertEquals("task " + t, from + " " + (t + 1) * 10_000 + " " + PRIMES[t] + "\n", line);
            total += Integer.parseInt(line.trim().split(" ")[2]);
        }
        assertEquals("the primes below 100,000", 9592, total);
        String table = submitter.console("job:results " + job);
        assertTrue(table, table.contains("1 10000 1229"));

        // no container left behind, and the job fellowship dissolved
        for (KarafNode n : nodes) {
            assertTrue(n.home() + ": no container left", poll(() -> n.console("container:list")
                    .contains("no containers")));
            assertTrue(n.home() + ": the job's fellowship is gone", poll(() -> !n.console("fellowship:list")
                    .contains("job." + job)));
        }
        String again = submitter.console("job:cancel " + job);
        assertTrue(again, again.contains("has ended (DONE); nothing to cancel"));

        // a job naming an image the submitter does not have is refused at submit, naming it and how to import it
        Path noImage = Files.writeString(scratch.resolve("noimage.yaml"), "name: noimage\nimage: render-tools\n"
                + "command: [cat]\ninputs:\n  lines: [x]\n");
        String refused = submitter.console("job:submit " + noImage);
        assertTrue(refused, refused.contains("image render-tools is not in this node's image store; import it here "
                + "and on the members with image:import render-tools <rootfs.tar>"));
        assertTrue(submitter.console("job:list"), !submitter.console("job:list").contains("noimage"));

        validatedJobOnTheSecondNode(scratch);
    }

    /**
     * The validator command: a job whose tasks print their square and a random stamp, so no two results have one
     * digest, validated by a command that compares only the first field. Submitted on the second node, which has
     * excluded no one: the cheater takes part again, and its added line makes its results disagree. Then the
     * submitter restarts and still has every result.
     */
    private void validatedJobOnTheSecondNode(Path scratch) throws Exception {
        KarafNode submitter = nodes.get(1);
        StringBuilder lines = new StringBuilder();
        for (int n = 1; n <= TASKS_STAMPED; n++) {
            lines.append(n == 1 ? "" : ", ").append('"').append(n).append('"');
        }
        Path file = Files.writeString(scratch.resolve("stamps.yaml"), "name: stamps\nimage: base\n"
                + "command: [sh, -c, 'read n; echo \"$((n*n)) $(cat /proc/sys/kernel/random/uuid)\"']\n"
                + "members: 3\ndeadlineSeconds: 120\nresources: {cpus: 500m, memory: 128m, disk: 64m}\n"
                + "validator:\n  command: [sh, -c, 'test \"$(cut -d\" \" -f1 a/stdout)\" = \"$(cut -d\" \" -f1 b/stdout)\"']\n"
                + "  timeoutSeconds: 30\n"
                + "inputs:\n  lines: [" + lines + "]\n");
        String[] status = new String[1];
        String job = submitAndWait(submitter, file, STAMPS, "the validated job ends", status);
        assertTrue(status[0] + "\n" + submitter.logTail(), status[0].contains("Phase:     DONE\n")
                || status[0].contains("Phase:     DONE\r"));
        assertTrue(status[0], status[0].contains("Tasks:     " + TASKS_STAMPED + ": 0 pending, 0 running, "
                + TASKS_STAMPED + " validated, 0 failed"));
        assertTrue(status[0], status[0].contains("Collected: " + TASKS_STAMPED));
        Matcher c = COMPARISONS.matcher(status[0]);
        assertTrue(status[0], c.find());
        assertTrue("every task needed the validator (no two stamps are equal): " + status[0],
                Integer.parseInt(c.group(1)) >= TASKS_STAMPED);
        String row = memberRow(status[0], ids.get(2));
        if (row != null) {
            String[] cols = row.trim().split("[\\s|]+");
            assertEquals("the cheater has no valid result: " + row, 0, Long.parseLong(cols[2]));
        }
        for (int i = 0; i < 2; i++) {
            String honest = memberRow(status[0], ids.get(i));
            assertTrue("node " + (i + 1) + " took part:\n" + status[0], honest != null);
            assertEquals("an honest member's harmlessly different results are valid: " + honest, 0,
                    Long.parseLong(honest.trim().split("[\\s|]+")[3]));
        }
        Path before = scratch.resolve("stamps-before");
        String written = submitter.console("job:results " + job + " " + before);
        assertTrue(written, written.contains(TASKS_STAMPED + " result(s) of job " + job + " written"));
        for (int t = 0; t < TASKS_STAMPED; t++) {
            String line = Files.readString(before.resolve(Integer.toString(t)).resolve("stdout"),
                    StandardCharsets.UTF_8);
            int n = t + 1;
            assertTrue("task " + t + ": " + line, line.matches(n * n + " [0-9a-f-]{36}\n"));
        }

        // the submitter restarts after the end: its collected results are still there
        submitter.stop();
        submitter.start();
        String kept = submitter.console("job:status " + job);
        assertTrue(kept, kept.contains("Phase:     DONE"));
        assertTrue(kept, kept.contains("Collected: " + TASKS_STAMPED));
        Path after = scratch.resolve("stamps-after");
        String again = submitter.console("job:results " + job + " " + after);
        assertTrue(again, again.contains(TASKS_STAMPED + " result(s) of job " + job + " written"));
        for (int t = 0; t < TASKS_STAMPED; t++) {
            assertEquals("task " + t + " after the restart",
                    Files.readString(before.resolve(Integer.toString(t)).resolve("stdout")),
                    Files.readString(after.resolve(Integer.toString(t)).resolve("stdout")));
        }
    }

    /** busybox's base image, with /bin/sh replaced by a script that runs the task and adds a line to its output. */
    private static Path cheatImage(Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("rootfs"));
        for (String d : new String[] {"bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "dev", "sys", "root",
                "run", "var/tmp", "home", "mnt", "opt", "work", "tmp"}) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        Process list = new ProcessBuilder("/bin/busybox", "--list-full").redirectErrorStream(true).start();
        String applets = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, list.waitFor());
        for (String applet : applets.split("\\R")) {
            if (applet.isBlank() || applet.equals("bin/busybox") || applet.equals("bin/sh")) {
                continue;
            }
            Path link = root.resolve(applet);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of("/bin/busybox"));
        }
        // busybox's shell runs its applets without looking at PATH, so the lie is in the shell the container starts:
        // it runs the task, then adds a line to its standard output
        Path sh = root.resolve("bin/sh");
        Files.writeString(sh, "#!/bin/busybox sh\n/bin/busybox sh \"$@\"\ncode=$?\n"
                + "[ -f /work/.stdout ] && echo 'and one more prime' >> /work/.stdout\nexit $code\n");
        Files.setPosixFilePermissions(sh, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        Path tar = dir.resolve("cheat.tar");
        Process p = new ProcessBuilder("tar", "-C", root.toString(), "--owner=0", "--group=0", "-cf",
                tar.toString(), "bin", "sbin", "usr", "etc", "proc", "dev", "sys", "root", "run", "var", "home", "mnt",
                "opt", "work", "tmp").redirectErrorStream(true).start();
        String tarOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(tarOut, 0, p.waitFor());
        return tar;
    }

    private static String memberRow(String status, String shortId) {
        for (String line : status.split("\\R")) {
            String t = line.replace("|", " ").trim();
            if (t.startsWith(shortId)) {
                return t;
            }
        }
        return null;
    }

    private static void startAndInstall(KarafNode n) throws Exception {
        n.start();
        String out = n.console("feature:install ringfellow-driver-runc ringfellow-jobs");
        assertTrue(out, !out.toLowerCase().contains("error"));
    }

    private static String shortId(KarafNode n) throws Exception {
        Matcher m = NODE_ID.matcher(n.console("node:info"));
        assertTrue(m.find());
        return m.group(1);
    }

    /** Members a node finds alive with the runc driver. */
    private static int readyCount(KarafNode viewer) {
        return viewer.aliveFound("driver=runc");
    }

    @FunctionalInterface
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

    /**
     * Submits {@code file} detached on {@code submitter} and waits until the job is DONE or FAILED;
     * returns the job id (matched by {@code submitted}) and leaves its last status in {@code status[0]}.
     */
    private String submitAndWait(KarafNode submitter, Path file, Pattern submitted, String ends, String[] status)
            throws Exception {
        String out = submitter.console("job:submit --detach " + file);
        Matcher m = submitted.matcher(out);
        assertTrue(out + "\n" + submitter.logTail(), m.find());
        String job = m.group(1);
        boolean done = poll(() -> {
            status[0] = submitter.console("job:status " + job);
            return status[0].contains("Phase:     DONE") || status[0].contains("Phase:     FAILED");
        });
        assertTrue(ends + ":\n" + status[0] + "\n" + submitter.logTail(), done);
        System.out.println(status[0]);
        return job;
    }
}
