package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Assume;
import org.junit.Test;

/**
 * The jobs benchmark on real nodes (issue 14, point 6; run by {@code bench/jobs/run-nodes}, skipped unless
 * {@code -Djobs.bench.file=<job file>} is given): four Karaf nodes, each in a network namespace of its own, with
 * the runc driver and {@code ringfellow-jobs}, as {@link JobsNamespacesIT} starts them. The job file is submitted
 * on the first node; the figures are the time from the submit to the job's end as the submitter logs them (its
 * {@code submitted} and {@code done} lines), the task runs {@code job:status} counts, and whether every task was
 * validated with every result right (the benchmark's job, written by the script, reads {@code n} on line
 * {@code n} and prints its square). They go to
 * {@code itests/target/jobs-bench.txt} as {@code key=value} lines. With {@code -Djobs.bench.churnSeconds=<s>} a
 * member other than the submitter is killed (SIGKILL) every {@code s} seconds, in turn, and started again at once,
 * and the job must still end with every task validated and every result right.
 */
public class JobsBenchNamespacesIT {

    private static final long TIMEOUT_MILLIS = 1_800_000;
    private static final int NODES = 4;
    private static final Pattern SUBMITTED = Pattern.compile("Job ([a-z0-9-]+-[0-9a-f]{8}) submitted");
    private static final Pattern RUNS = Pattern.compile("Runs:\\s+(\\d+)");
    private static final Pattern TASKS = Pattern.compile("Tasks:\\s+(\\d+): 0 pending, 0 running, (\\d+) validated, "
            + "(\\d+) failed");
    private static final Pattern STAMP = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3})");
    private static final DateTimeFormatter KARAF = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS");

    private NetworkNamespaces net;
    private final List<KarafNode> nodes = new ArrayList<>();

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
    }

    @Test
    public void givenFourNodes_whenTheBenchmarkJobRuns_thenEveryTaskIsValidAndItsFiguresAreWritten()
            throws Exception {
        String file = System.getProperty("jobs.bench.file", "");
        Assume.assumeTrue("a benchmark: run by bench/jobs/run-nodes (-Djobs.bench.file)", !file.isEmpty());
        Path job = Path.of(file).toAbsolutePath();
        assertTrue(job + " exists", Files.isRegularFile(job));
        net = NetworkNamespaces.create("j9bench", 239);
        for (int i = 1; i <= NODES; i++) {
            String ns = net.addHost(i);
            KarafNode n = KarafNode.unpack("jobbench-" + i).inNamespace(ns);
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
        start(nodes.get(0));
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (KarafNode n : nodes.subList(1, nodes.size())) {
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    start(n);
                } catch (Exception e) {
                    throw new IllegalStateException(n.home() + ": " + e.getMessage(), e);
                }
            }));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        assertTrue("the nodes see each other with runc", poll(() -> nodes.stream()
                .allMatch(n -> n.aliveFound("driver=runc") == NODES), 300_000));

        KarafNode submitter = nodes.get(0);
        // churn (-Djobs.bench.churnSeconds=30): every so often a member other than the submitter is killed (SIGKILL)
        // and started again, in turn
        int churn = Integer.getInteger("jobs.bench.churnSeconds", 0);
        AtomicInteger kills = new AtomicInteger();
        AtomicBoolean over = new AtomicBoolean();
        List<String> churnErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread churner = new Thread(() -> {
            int k = 1;
            while (churn > 0 && !over.get()) {
                try {
                    Thread.sleep(churn * 1000L);
                    if (over.get()) {
                        return;
                    }
                    KarafNode victim = nodes.get(k);
                    victim.kill9();
                    kills.incrementAndGet();
                    victim.start();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception | AssertionError e) {
                    churnErrors.add(e.toString());
                }
                k = k % (NODES - 1) + 1;
            }
        }, "churn");
        String out = submitter.console("job:submit --detach " + job);
        churner.start();
        Matcher m = SUBMITTED.matcher(out);
        assertTrue(out + "\n" + submitter.logTail(), m.find());
        String id = m.group(1);
        String[] status = new String[1];
        assertTrue("the job ends", poll(() -> {
            status[0] = submitter.console("job:status " + id);
            return status[0].contains("Phase:     DONE") || status[0].contains("Phase:     FAILED");
        }, TIMEOUT_MILLIS));
        over.set(true);
        churner.interrupt();
        churner.join(120_000);
        assertTrue("the churn worked: " + churnErrors, churnErrors.isEmpty());
        System.out.println(status[0]);
        Matcher tasks = TASKS.matcher(status[0]);
        assertTrue(status[0], tasks.find());
        int total = Integer.parseInt(tasks.group(1));
        assertEquals(status[0], total, Integer.parseInt(tasks.group(2)));
        Matcher runs = RUNS.matcher(status[0]);
        assertTrue(status[0], runs.find());

        Path results = Files.createTempDirectory("j9bench-");
        try {
            String written = submitter.console("job:results " + id + " " + results);
            assertTrue(written, written.contains(total + " result(s) of job " + id + " written"));
            List<String> index = Files.readAllLines(results.resolve("index.tsv"));
            for (int t = 0; t < total; t++) {
                String stdout = Files.readString(results.resolve(Integer.toString(t)).resolve("stdout"),
                        StandardCharsets.UTF_8);
                long n = t + 1;
                assertEquals("task " + t + ": " + index.get(t + 1), n * n + "\n", stdout);
            }
        } finally {
            KarafNode.deleteTree(results);
        }

        List<String> log = Files.readAllLines(submitter.home().resolve("data/log/karaf.log"));
        LocalDateTime submitted = stamp(log, "Job " + id + " submitted");
        LocalDateTime done = stamp(log, "Job " + id + " done");
        double seconds = Duration.between(submitted, done).toMillis() / 1000.0;
        StringBuilder figures = new StringBuilder();
        figures.append("nodes=").append(NODES).append('\n');
        figures.append("tasks=").append(total).append('\n');
        figures.append("runs=").append(runs.group(1)).append('\n');
        figures.append("churnSeconds=").append(churn).append('\n');
        figures.append("kills=").append(kills.get()).append('\n');
        figures.append("seconds=").append(String.format(java.util.Locale.ROOT, "%.1f", seconds)).append('\n');
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("jobs-bench.txt"), figures.toString());
        System.out.print(figures);
    }

    private static LocalDateTime stamp(List<String> log, String text) {
        for (String line : log) {
            if (line.contains(text)) {
                Matcher m = STAMP.matcher(line);
                assertTrue("a time stamp on: " + line, m.find());
                return LocalDateTime.parse(m.group(1), KARAF);
            }
        }
        throw new AssertionError("no log line with " + text);
    }

    private static void start(KarafNode n) throws Exception {
        n.start();
        // on a loaded machine the console can answer before the boot features have registered the ringfellow
        // feature repository: "No matching features" is then asked again, for at most a minute
        String[] out = new String[1];
        poll(() -> {
            out[0] = n.console("feature:install ringfellow-driver-runc ringfellow-jobs");
            return !out[0].contains("No matching features");
        }, 60_000);
        assertTrue(out[0], !out[0].toLowerCase().contains("error"));
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean poll(Check check, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(1_000);
        }
        return check.holds();
    }
}
