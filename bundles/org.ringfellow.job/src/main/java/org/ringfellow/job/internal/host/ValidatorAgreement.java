package org.ringfellow.job.internal.host;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.ringfellow.job.internal.member.TaskRunner;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.quorum.Agreement;
import org.ringfellow.job.internal.quorum.Instance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agreement by a job's validator command: two results with one digest agree without a run; two different ones
 * agree when the validator, run on both results' content ({@link TaskRunner#compare}), exits with 0. Each pair of
 * digests of a task is compared once, {@code a} the result that came back first, and the verdict remembered: the
 * submitter {@link #prepare}s a new result's comparisons before the report reaches the quorum (outside its lock),
 * so {@link #agree} only looks verdicts up; a pair not prepared (results judged again after an exclusion) is
 * compared then. A result whose content is not on the submitter agrees with nothing.
 */
final class ValidatorAgreement implements Agreement {

    /** Runs the validator on two results of one task. */
    @FunctionalInterface
    interface Comparer {
        TaskRunner.Comparison compare(int task, TaskResult a, TaskResult b) throws InterruptedException;
    }

    /** Reads a result the submitter keeps. */
    @FunctionalInterface
    interface Contents {
        Optional<TaskResult> read(int task, String digest);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ValidatorAgreement.class);

    private final String job;
    private final Comparer comparer;
    private final Contents contents;
    private final Map<String, Boolean> verdicts = new ConcurrentHashMap<>();
    private final AtomicLong runs = new AtomicLong();

    ValidatorAgreement(String job, Comparer comparer, Contents contents) {
        this.job = job;
        this.comparer = comparer;
        this.contents = contents;
    }

    @Override
    public boolean agree(int task, Instance a, Instance b) {
        if (a.hash().equals(b.hash())) {
            return true;
        }
        Boolean known = verdicts.get(key(task, a.hash(), b.hash()));
        return known != null ? known : judge(task, a.hash(), b.hash());
    }

    /**
     * Compares a task's new result with each of its other results not compared with it yet.
     *
     * @param task the task
     * @param digest the new result's digest
     * @param earlier the digests of the task's results that came back before
     */
    void prepare(int task, String digest, Collection<String> earlier) {
        for (String other : earlier) {
            if (!other.equals(digest) && !verdicts.containsKey(key(task, other, digest))) {
                judge(task, other, digest);
            }
        }
    }

    /** @return validator runs made */
    long runs() {
        return runs.get();
    }

    private boolean judge(int task, String first, String second) {
        Optional<TaskResult> a = contents.read(task, first);
        Optional<TaskResult> b = contents.read(task, second);
        if (a.isEmpty() || b.isEmpty()) {
            LOG.info("Job {}: task {}: a result to validate is not on this node; taken as not agreeing", job, task);
            return false;
        }
        TaskRunner.Comparison c;
        try {
            c = comparer.compare(task, a.get(), b.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        runs.incrementAndGet();
        verdicts.put(key(task, first, second), c.agree());
        if (!c.agree()) {
            LOG.info("Job {}: task {}: results {} and {} disagree: {}", job, task, first.substring(0, 12),
                    second.substring(0, 12), c.detail());
        }
        return c.agree();
    }

    private static String key(int task, String x, String y) {
        return x.compareTo(y) < 0 ? task + "/" + x + "/" + y : task + "/" + y + "/" + x;
    }
}
