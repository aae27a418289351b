package org.ringfellow.job.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.ringfellow.job.internal.member.TaskOutcome;
import org.ringfellow.job.internal.member.TaskRunner;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.WireException;

/**
 * A member's part in one job: a loop that pulls leases from the submitter whenever it has free slots (BOINC's
 * work fetch), runs each on a pool of the job's {@code slotsPerMember} threads with the {@link TaskRunner}, keeps
 * the result by digest and reports it; and the answers to the submitter's result requests. It talks to the
 * submitter only through a {@link Link}, so the same code runs over a fellowship or in one process. With nothing
 * to do it asks again after {@code idle}; a failed request is retried after {@code idle} too.
 */
public final class MemberSession implements AutoCloseable {

    /** The way to the submitter: a request and its answer. */
    @FunctionalInterface
    public interface Link {
        /**
         * @param message a request
         * @return its answer
         */
        CompletionStage<JobMessage> request(JobMessage message);
    }

    private final String job;
    private final Link link;
    private final TaskRunner runner;
    private final MemberResults results;
    private final Duration idle;
    private final Duration answerTimeout;
    private final int maxSlots;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread loop;
    private volatile boolean closed;
    private volatile ExecutorService pool;

    /**
     * @param job the job's id
     * @param link the way to the submitter
     * @param runner runs tasks in containers
     * @param results where results are kept
     * @param idle how long to wait before asking again when there was nothing to do or a request failed
     * @param answerTimeout how long to wait for an answer
     */
    public MemberSession(String job, Link link, TaskRunner runner, MemberResults results, Duration idle,
            Duration answerTimeout) {
        this(job, link, runner, results, idle, answerTimeout, Integer.MAX_VALUE);
    }

    /**
     * @param job the job's id
     * @param link the way to the submitter
     * @param runner runs tasks in containers
     * @param results where results are kept
     * @param idle how long to wait before asking again when there was nothing to do or a request failed
     * @param answerTimeout how long to wait for an answer
     * @param maxSlots the most tasks this member runs at once, whatever the job's {@code slotsPerMember} (at least 1)
     */
    public MemberSession(String job, Link link, TaskRunner runner, MemberResults results, Duration idle,
            Duration answerTimeout, int maxSlots) {
        if (maxSlots < 1) {
            throw new IllegalArgumentException("maxSlots must be at least 1, got " + maxSlots);
        }
        this.maxSlots = maxSlots;
        this.job = Objects.requireNonNull(job, "job");
        this.link = Objects.requireNonNull(link, "link");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.results = Objects.requireNonNull(results, "results");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.answerTimeout = Objects.requireNonNull(answerTimeout, "answerTimeout");
        this.loop = new Thread(this::run, "job-member-" + job);
        this.loop.setDaemon(true);
    }

    /** Starts the loop. */
    public void start() {
        loop.start();
    }

    /** @return runs made (results and errors) */
    public long runs() {
        return runs.get();
    }

    /** @return requests to the submitter that failed or were refused */
    public long failures() {
        return failures.get();
    }

    /**
     * Answers the submitter's message to this member.
     *
     * @param message a {@link JobMessage.ResultRequest} or {@link JobMessage.Done}
     * @return the answer to a result request, empty for done
     * @throws WireException if it is neither, or asks for a result not kept here
     */
    public Optional<JobMessage> handle(JobMessage message) throws WireException {
        if (message instanceof JobMessage.ResultRequest r) {
            return Optional.of(results.serve(r));
        }
        if (message instanceof JobMessage.Done) {
            close();
            results.clear();
            return Optional.empty();
        }
        throw new WireException("a member does not answer " + message.getClass().getSimpleName());
    }

    private void run() {
        try {
            JobSpec template = null;
            while (!closed && template == null) {
                Optional<JobMessage> answer = ask(new JobMessage.SpecRequest(job));
                if (answer.isPresent() && answer.get() instanceof JobMessage.Template t) {
                    template = t.spec();
                } else {
                    pause();
                }
            }
            if (template == null) {
                return;
            }
            int slots = Math.min(template.slotsPerMember(), maxSlots);
            ExecutorService tasks = Executors.newFixedThreadPool(slots, r -> {
                Thread t = new Thread(r, "job-task-" + job);
                t.setDaemon(true);
                return t;
            });
            pool = tasks;
            if (closed) {
                tasks.shutdownNow();
                return;
            }
            Semaphore free = new Semaphore(slots);
            while (!closed) {
                free.acquire();
                int n = 1 + free.drainPermits();
                Optional<JobMessage> answer = ask(new JobMessage.Fetch(job, n));
                int granted = 0;
                if (answer.isPresent() && answer.get() instanceof JobMessage.Leases leases) {
                    for (JobMessage.Grant g : leases.grants()) {
                        if (granted == n) {
                            break;
                        }
                        granted++;
                        JobSpec spec = template;
                        tasks.execute(() -> {
                            try {
                                runGrant(spec, g);
                            } finally {
                                free.release();
                            }
                        });
                    }
                }
                free.release(n - granted);
                if (granted == 0) {
                    pause();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runGrant(JobSpec spec, JobMessage.Grant g) {
        try {
            byte[] input = g.input().isPresent() ? g.input().get() : fetchInput(g);
            if (input == null) {
                return;
            }
            TaskOutcome outcome = runner.run(job, spec, g.lease(), g.task(), input,
                    Duration.ofSeconds(g.deadlineSeconds()));
            runs.incrementAndGet();
            JobMessage report;
            if (outcome.succeeded()) {
                String digest = results.keep(outcome.result().orElseThrow(), spec.outputs());
                report = new JobMessage.Report(job, g.lease(), true, Optional.of(digest),
                        Optional.of(outcome.result().orElseThrow().exitCode()), Optional.empty());
            } else {
                String reason = outcome.error().orElseThrow();
                report = new JobMessage.Report(job, g.lease(), false, Optional.empty(), Optional.empty(),
                        Optional.of(reason.length() > 1024 ? reason.substring(0, 1024) : reason));
            }
            ask(report);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failures.incrementAndGet();
            ask(new JobMessage.Report(job, g.lease(), false, Optional.empty(), Optional.empty(),
                    Optional.of("the result could not be kept on the member: " + e.getMessage())));
        }
    }

    private byte[] fetchInput(JobMessage.Grant g) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        while (input.size() < g.inputSize()) {
            Optional<JobMessage> answer = ask(new JobMessage.InputRequest(job, g.lease(), input.size()));
            if (answer.isEmpty() || !(answer.get() instanceof JobMessage.Chunk chunk) || chunk.offset() != input.size()
                    || chunk.total() != g.inputSize() || chunk.data().length == 0) {
                return null; // the lease runs out at the submitter and the task goes elsewhere
            }
            input.writeBytes(chunk.data());
        }
        return input.toByteArray();
    }

    private Optional<JobMessage> ask(JobMessage message) {
        try {
            return Optional.of(link.request(message).toCompletableFuture().get(answerTimeout.toMillis(),
                    TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failures.incrementAndGet();
            return Optional.empty();
        }
    }

    private void pause() throws InterruptedException {
        if (!closed) {
            Thread.sleep(idle.toMillis());
        }
    }

    /** Stops pulling and interrupts the runs under way (their containers are destroyed). */
    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        ExecutorService tasks = pool;
        if (tasks != null) {
            tasks.shutdownNow();
        }
    }

    /**
     * Waits for the loop and the runs to end after {@link #close()}.
     *
     * @param timeout the longest to wait
     * @return true if everything ended
     * @throws InterruptedException if interrupted
     */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        loop.join(timeout.toMillis());
        ExecutorService tasks = pool;
        return !loop.isAlive() && (tasks == null || tasks.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
}
