package org.ringfellow.bench.jobs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.Health;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.runc.internal.RuncDriver;
import org.ringfellow.container.runc.internal.RuncOptions;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.job.internal.member.TaskOutcome;
import org.ringfellow.job.internal.member.TaskRunner;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;

/**
 * The baseline of the jobs benchmark on real nodes (bench/jobs/run-nodes): the same job file's tasks run in a
 * local loop, without a Ring, a fellowship or a scheduler, through the same {@link TaskRunner} on the real runc
 * engine (the container manager, the base image), with a given number of tasks at once. Prints one line of
 * {@code key=value} pairs: tasks, parallel, seconds, tasks_per_second, p50_ms, p99_ms (a task's run, container
 * made to container gone).
 *
 * <pre>java -cp ... org.ringfellow.bench.jobs.LocalLoop &lt;job file&gt; &lt;parallel&gt; &lt;work dir&gt;</pre>
 */
public final class LocalLoop {

    private LocalLoop() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LocalLoop <job file> <parallel 1-64> <work dir>");
            System.exit(2);
        }
        JobSpec spec = new JobFileReader().read(Path.of(args[0]));
        int parallel = Integer.parseInt(args[1]);
        if (parallel < 1 || parallel > 64) {
            throw new IllegalArgumentException("parallel must be 1..64, got " + parallel);
        }
        Path dir = Files.createDirectories(Path.of(args[2]));
        String nodeId = InMemoryNode.randomId();
        InMemoryNode node = new InMemoryNode(dir.resolve("node"), nodeId);
        FileImageStore images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        RuncDriver runc = RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
        if (runc.fingerprint().health() != Health.HEALTHY) {
            throw new IllegalStateException("runc is not healthy: " + runc.fingerprint().reason());
        }
        ContainerManagerImpl manager = ContainerManagerImpl.create(node, new InMemoryNode.Store(), images, "");
        manager.bindDriver(runc, Map.of(ContainerDriver.TYPE_PROPERTY, runc.type()));
        TaskRunner runner = new TaskRunner(manager, images, Files.createDirectories(dir.resolve("work")));
        int tasks = spec.inputs().size();
        long[] nanos = new long[tasks];
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            // one warm-up run (the base image is made on first use)
            runner.run("bench-00000000", spec, 0, 0, input(spec, 0), Duration.ofSeconds(spec.deadlineSeconds()));
            long start = System.nanoTime();
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                int task = t;
                runs.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    TaskOutcome outcome = runner.run("bench-00000000", spec, task + 1, task, input(spec, task),
                            Duration.ofSeconds(spec.deadlineSeconds()));
                    nanos[task] = System.nanoTime() - t0;
                    if (!outcome.succeeded()) {
                        throw new IllegalStateException("task " + task + ": " + outcome.error().orElseThrow());
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            System.out.printf("tasks=%d parallel=%d seconds=%.1f tasks_per_second=%.2f p50_ms=%d p99_ms=%d%n", tasks,
                    parallel, seconds, tasks / seconds, sorted[tasks / 2] / 1_000_000,
                    sorted[Math.min(tasks - 1, (int) Math.ceil(tasks * 0.99) - 1)] / 1_000_000);
        } finally {
            pool.shutdownNow();
            for (String cid : runc.listOwned(nodeId)) {
                runc.destroy(new ContainerHandle(cid, "runc", Instant.now(), Map.of()));
            }
        }
    }

    private static byte[] input(JobSpec spec, int task) {
        String line = spec.inputs().get(task).line().orElseThrow(() -> new IllegalArgumentException(
                "the benchmark's job has lines as inputs"));
        return (line + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
