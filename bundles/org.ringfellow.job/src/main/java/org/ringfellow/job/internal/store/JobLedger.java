package org.ringfellow.job.internal.store;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.quorum.Agreement;
import org.ringfellow.job.internal.quorum.JobEvent;
import org.ringfellow.job.internal.quorum.MemberRecord;
import org.ringfellow.job.internal.quorum.Mode;
import org.ringfellow.job.internal.quorum.TaskQuorum;
import org.ringfellow.job.internal.quorum.TaskState;
import org.ringfellow.job.internal.quorum.WorkScheduler;

/**
 * Ties one job's {@link WorkScheduler} to the {@link JobStore}: {@link #start} builds the scheduler from what is
 * kept (fresh tasks for those never changed), and {@link #record} writes what the scheduler's events changed, so
 * that the kept state is never behind a result the submitter acknowledged. Each start is a new run whose lease
 * numbers begin at {@code run << 40}, above every lease of the runs before, so a member's report on a lease
 * handed out before a restart is refused as stale.
 */
public final class JobLedger {

    /** Lease numbers per run. */
    static final int RUN_SHIFT = 40;

    private final JobStore store;
    private final String id;
    private final WorkScheduler scheduler;
    private final LongSupplier wallClock;
    private Map<String, MemberRecord> savedMembers;

    private JobLedger(JobStore store, String id, WorkScheduler scheduler, LongSupplier wallClock,
            Map<String, MemberRecord> savedMembers) {
        this.store = store;
        this.id = id;
        this.scheduler = scheduler;
        this.wallClock = wallClock;
        this.savedMembers = savedMembers;
    }

    /**
     * Starts (or resumes) a kept job.
     *
     * @param store the store
     * @param job the kept job
     * @param spec its spec (from {@link JobStore#spec})
     * @param agreement how its results are compared
     * @param leaseMillis how long a lease lasts
     * @param wallClock the wall clock, for the record of an exclusion
     * @return the ledger, with its scheduler
     * @throws JobStoreException if the job's kept state does not read
     */
    public static JobLedger start(JobStore store, StoredJob job, JobSpec spec, Agreement agreement,
            long leaseMillis, LongSupplier wallClock) throws JobStoreException {
        int run = job.runs() + 1;
        if (run >= 1 << (63 - RUN_SHIFT)) {
            throw new JobStoreException("job " + job.id() + " was started " + job.runs() + " times");
        }
        Map<Integer, TaskState> kept = store.tasks(job.id(), spec.inputs().size());
        Mode fresh = spec.replication().adaptive() ? Mode.UNDECIDED : Mode.REPLICATED;
        List<TaskQuorum> tasks = new java.util.ArrayList<>(spec.inputs().size());
        for (int k = 0; k < spec.inputs().size(); k++) {
            TaskState state = kept.get(k);
            try {
                tasks.add(state == null ? new TaskQuorum(k, spec.replication(), fresh)
                        : TaskQuorum.restore(state, spec.replication()));
            } catch (IllegalArgumentException e) {
                throw new JobStoreException("job " + job.id() + ": " + e.getMessage(), e);
            }
        }
        Map<String, MemberRecord> members = store.members(job.id());
        Map<String, MemberRecord> known = new java.util.TreeMap<>(members);
        for (String member : store.excluded()) {
            MemberRecord r = known.getOrDefault(member, MemberRecord.NEW);
            known.put(member, new MemberRecord(0, r.valid(), r.invalid(), true));
        }
        long firstLease = (long) run << RUN_SHIFT;
        WorkScheduler scheduler = new WorkScheduler(spec.replication(), spec.exclusion(), leaseMillis, agreement,
                new SplittableRandom(job.seed() + run), tasks, known, firstLease);
        store.update(new StoredJob(job.id(), job.state(), job.submittedMillis(), job.seed(), firstLease, run));
        return new JobLedger(store, job.id(), scheduler, wallClock, members);
    }

    /** @return the job's scheduler (one caller at a time, like the scheduler itself) */
    public WorkScheduler scheduler() {
        return scheduler;
    }

    /** @return the job's id */
    public String id() {
        return id;
    }

    /**
     * Writes what changed since the last call: the tasks whose state changed, exclusions (for this submitter's
     * later jobs too), the members' records, and the job's end. Call it after every batch of scheduler calls,
     * before the results are acknowledged.
     *
     * @return the events it wrote, in order
     */
    public List<JobEvent> record() {
        List<JobEvent> events = scheduler.drainEvents();
        Set<Integer> changed = new LinkedHashSet<>();
        for (JobEvent e : events) {
            if (e instanceof JobEvent.TaskChanged c) {
                changed.add(c.task());
            } else if (e instanceof JobEvent.MemberExcluded x) {
                store.exclude(x.member(), id, x.valid(), x.invalid(), wallClock.getAsLong());
            }
        }
        for (int task : changed) {
            store.saveTask(id, scheduler.task(task).snapshot());
        }
        Map<String, MemberRecord> members = scheduler.members();
        if (!members.equals(savedMembers)) {
            store.saveMembers(id, members);
            savedMembers = members;
        }
        if (scheduler.progress().finished()) {
            try {
                StoredJob job = store.job(id).orElseThrow();
                if (job.state() == StoredJob.State.RUNNING) {
                    store.update(new StoredJob(id, StoredJob.State.DONE, job.submittedMillis(), job.seed(),
                            job.nextLease(), job.runs()));
                }
            } catch (JobStoreException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return events;
    }
}
