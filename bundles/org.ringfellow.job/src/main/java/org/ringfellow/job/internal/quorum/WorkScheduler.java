package org.ringfellow.job.internal.quorum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.ringfellow.api.job.Progress;
import org.ringfellow.job.internal.model.Exclusion;
import org.ringfellow.job.internal.model.Replication;

/**
 * The submitter's work-fetch scheduler for one job, as a pure state machine: no clock (callers pass the time), no
 * thread, no I/O, randomness from a seeded generator, so one sequence of calls always gives one outcome.
 *
 * <p>Members pull: {@link #fetch} hands a member at most as many leases as it has free slots. A task's instances
 * go to distinct members. A lease ends with {@link #report}, with {@link #expire} once its deadline passed (counted
 * as an error, BOINC's "no reply"), or when its member leaves or is excluded (lost, counted for nothing); the task
 * is then handed out again. With adaptive replication each lease decides, by BOINC's rule
 * ({@link AdaptiveReplication}), whether the member is trusted: a trusted member takes fresh tasks unreplicated,
 * an untrusted one takes replicated tasks first. Verdicts on replicated results drive each member's consecutive
 * valid count and its exclusion ({@link Exclusion}); an excluded member's leases are withdrawn, its unjudged
 * results discarded and the solo tasks it validated opened again. Not thread-safe: one caller at a time.
 */
public final class WorkScheduler {

    private final Replication replication;
    private final Exclusion exclusion;
    private final long leaseMillis;
    private final Agreement agreement;
    private final RandomGenerator random;
    private final List<TaskQuorum> tasks;
    private final Map<String, MemberRecord> records = new TreeMap<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<Long, Lease> leases = new LinkedHashMap<>();
    private final Map<String, Set<Integer>> touched = new HashMap<>();
    private final TreeSet<Integer> needyFresh = new TreeSet<>();
    private final TreeSet<Integer> needySolo = new TreeSet<>();
    private final TreeSet<Integer> needyReplicated = new TreeSet<>();
    private final List<JobEvent> events = new ArrayList<>();
    private long nextLease;
    private long runs;

    private static final class Member {
        final int slots;
        final Set<Long> leases = new LinkedHashSet<>();

        Member(int slots) {
            this.slots = slots;
        }
    }

    /**
     * @param replication the quorum parameters
     * @param exclusion when a member is excluded
     * @param leaseMillis how long a lease lasts
     * @param agreement how results are compared
     * @param random the seeded generator for adaptive replication
     * @param tasks the tasks, numbered 0..n-1 in order (fresh or restored)
     * @param known what is known of members already (restored, or excluded by the submitter's earlier jobs)
     * @param firstLeaseId the first lease number: a resumed job starts above every lease of its earlier runs, so
     *        reports on those are refused as stale
     */
    public WorkScheduler(Replication replication, Exclusion exclusion, long leaseMillis, Agreement agreement,
            RandomGenerator random, List<TaskQuorum> tasks, Map<String, MemberRecord> known, long firstLeaseId) {
        this.replication = Objects.requireNonNull(replication, "replication");
        this.exclusion = Objects.requireNonNull(exclusion, "exclusion");
        if (leaseMillis <= 0) {
            throw new IllegalArgumentException("lease must be positive, got " + leaseMillis + " ms");
        }
        this.leaseMillis = leaseMillis;
        this.agreement = Objects.requireNonNull(agreement, "agreement");
        this.random = Objects.requireNonNull(random, "random");
        this.tasks = List.copyOf(tasks);
        for (int k = 0; k < this.tasks.size(); k++) {
            TaskQuorum q = this.tasks.get(k);
            if (q.task() != k) {
                throw new IllegalArgumentException("task " + k + " is numbered " + q.task());
            }
            for (Instance i : q.instances()) {
                touched.computeIfAbsent(i.member(), m -> new TreeSet<>()).add(k);
            }
            index(k);
        }
        records.putAll(known);
        this.nextLease = firstLeaseId;
    }

    /**
     * A fresh job's scheduler.
     *
     * @param taskCount the number of tasks
     * @param replication the quorum parameters
     * @param exclusion when a member is excluded
     * @param leaseMillis how long a lease lasts
     * @param agreement how results are compared
     * @param random the seeded generator
     * @param excluded members the submitter excluded in earlier jobs
     * @return the scheduler
     */
    public static WorkScheduler fresh(int taskCount, Replication replication, Exclusion exclusion, long leaseMillis,
            Agreement agreement, RandomGenerator random, Set<String> excluded) {
        List<TaskQuorum> tasks = new ArrayList<>(taskCount);
        Mode mode = replication.adaptive() ? Mode.UNDECIDED : Mode.REPLICATED;
        for (int k = 0; k < taskCount; k++) {
            tasks.add(new TaskQuorum(k, replication, mode));
        }
        Map<String, MemberRecord> known = new HashMap<>();
        for (String member : excluded) {
            known.put(member, new MemberRecord(0, 0, 0, true));
        }
        return new WorkScheduler(replication, exclusion, leaseMillis, agreement, random, tasks, known, 1);
    }

    /**
     * A member offers work slots.
     *
     * @param member the member
     * @param slots tasks it runs at once, 1 or more
     * @return false if the member is excluded (it gets no work)
     */
    public boolean join(String member, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, got " + slots);
        }
        if (record(member).excluded()) {
            return false;
        }
        members.putIfAbsent(member, new Member(slots));
        return true;
    }

    /**
     * A member left or died: its leases are lost and their tasks handed out again.
     *
     * @param member the member
     * @return the leases withdrawn
     */
    public List<Lease> leave(String member) {
        Member m = members.remove(member);
        if (m == null) {
            return List.of();
        }
        List<Lease> withdrawn = new ArrayList<>();
        for (long id : m.leases) {
            Lease lease = leases.remove(id);
            withdrawn.add(lease);
            settle(lease, Outcome.LOST, null);
        }
        return withdrawn;
    }

    /**
     * A member pulls work.
     *
     * @param member the member
     * @param max the most leases it asks for
     * @param now the time, in milliseconds
     * @return the leases handed out, at most its free slots; none for a member that did not join or is excluded
     */
    public List<Lease> fetch(String member, int max, long now) {
        Member m = members.get(member);
        if (m == null || record(member).excluded()) {
            return List.of();
        }
        List<Lease> given = new ArrayList<>();
        int n = Math.min(max, m.slots - m.leases.size());
        for (int k = 0; k < n; k++) {
            boolean trusted = replication.adaptive()
                    && AdaptiveReplication.trusts(record(member).consecutiveValid(), random);
            Integer task = trusted ? first(member, needyFresh, needySolo, needyReplicated)
                    : first(member, needyReplicated, needySolo, needyFresh);
            if (task == null) {
                break;
            }
            TaskQuorum q = tasks.get(task);
            if (q.mode() == Mode.UNDECIDED || q.mode() == Mode.SOLO && !trusted) {
                q.decide(trusted ? Mode.SOLO : Mode.REPLICATED);
            }
            q.issue(member);
            touched.computeIfAbsent(member, x -> new TreeSet<>()).add(task);
            Lease lease = new Lease(nextLease++, task, member, now + leaseMillis, q.mode() == Mode.SOLO);
            leases.put(lease.id(), lease);
            m.leases.add(lease.id());
            given.add(lease);
            index(task);
            events.add(new JobEvent.TaskChanged(task));
        }
        return given;
    }

    private Integer first(String member, TreeSet<Integer> a, TreeSet<Integer> b, TreeSet<Integer> c) {
        for (TreeSet<Integer> set : List.of(a, b, c)) {
            for (int task : set) {
                if (!tasks.get(task).hasMember(member)) {
                    return task;
                }
            }
        }
        return null;
    }

    /** What became of a report. */
    public enum ReportStatus {
        /** Recorded. */
        ACCEPTED,
        /** No such lease: it expired, was withdrawn, or belongs to an earlier run. Ignored. */
        STALE,
        /** The lease is someone else's. Ignored. */
        NOT_YOURS
    }

    /**
     * A member reports a lease's outcome.
     *
     * @param member the reporting member (a report on another member's lease is refused)
     * @param leaseId the lease
     * @param outcome {@link Outcome#SUCCESS} or {@link Outcome#ERROR}
     * @param hash the result's digest, for a success
     * @return what became of it
     */
    public ReportStatus report(String member, long leaseId, Outcome outcome, String hash) {
        if (outcome != Outcome.SUCCESS && outcome != Outcome.ERROR) {
            throw new IllegalArgumentException("a member reports SUCCESS or ERROR, not " + outcome);
        }
        if (outcome == Outcome.SUCCESS && (hash == null || hash.isEmpty())) {
            throw new IllegalArgumentException("a successful result needs its digest");
        }
        Lease lease = leases.get(leaseId);
        if (lease == null) {
            return ReportStatus.STALE;
        }
        if (!lease.member().equals(member)) {
            return ReportStatus.NOT_YOURS;
        }
        leases.remove(leaseId);
        Member m = members.get(member);
        if (m != null) {
            m.leases.remove(leaseId);
        }
        settle(lease, outcome, hash);
        return ReportStatus.ACCEPTED;
    }

    /**
     * Ends every lease whose deadline is past, as BOINC's "no reply" (an error of the task).
     *
     * @param now the time, in milliseconds
     * @return the leases ended
     */
    public List<Lease> expire(long now) {
        List<Lease> ended = new ArrayList<>();
        for (Iterator<Lease> it = leases.values().iterator(); it.hasNext();) {
            Lease lease = it.next();
            if (lease.deadline() <= now) {
                it.remove();
                Member m = members.get(lease.member());
                if (m != null) {
                    m.leases.remove(lease.id());
                }
                ended.add(lease);
            }
        }
        for (Lease lease : ended) {
            settle(lease, Outcome.NO_REPLY, null);
        }
        return ended;
    }

    private void settle(Lease lease, Outcome outcome, String hash) {
        TaskQuorum q = tasks.get(lease.task());
        TaskStatus before = q.status();
        List<Verdict> verdicts = q.report(lease.member(), outcome, hash, agreement);
        if (outcome != Outcome.LOST) {
            runs++;
        }
        changed(q, before);
        for (Verdict v : verdicts) {
            judge(v);
        }
    }

    private void changed(TaskQuorum q, TaskStatus before) {
        int task = q.task();
        index(task);
        events.add(new JobEvent.TaskChanged(task));
        if (before != q.status()) {
            if (q.status() == TaskStatus.VALID) {
                events.add(new JobEvent.TaskValidated(task, q.canonical().orElseThrow().hash()));
            } else if (q.status() == TaskStatus.ERROR) {
                events.add(new JobEvent.TaskFailed(task, q.error().orElse("failed")));
            }
        }
    }

    private void judge(Verdict verdict) {
        if (!verdict.replicated()) {
            return;
        }
        MemberRecord r = record(verdict.member());
        if (r.excluded()) {
            return;
        }
        MemberRecord next = verdict.validity() == Validity.VALID
                ? new MemberRecord(r.consecutiveValid() + 1, r.valid() + 1, r.invalid(), false)
                : new MemberRecord(0, r.valid(), r.invalid() + 1, false);
        if (verdict.validity() == Validity.INVALID && exclusion.excludes(next.valid(), next.invalid())) {
            records.put(verdict.member(), new MemberRecord(0, next.valid(), next.invalid(), true));
            exclude(verdict.member(), next);
        } else {
            records.put(verdict.member(), next);
        }
    }

    private void exclude(String member, MemberRecord record) {
        events.add(new JobEvent.MemberExcluded(member, record.valid(), record.invalid()));
        Member m = members.remove(member);
        if (m != null) {
            for (long id : m.leases) {
                leases.remove(id);
            }
        }
        for (int task : touched.getOrDefault(member, Set.of())) {
            TaskQuorum q = tasks.get(task);
            TaskStatus before = q.status();
            if (q.discard(member, agreement)) {
                events.add(new JobEvent.TaskReopened(task));
            }
            changed(q, before);
        }
    }

    private void index(int task) {
        needyFresh.remove(task);
        needySolo.remove(task);
        needyReplicated.remove(task);
        TaskQuorum q = tasks.get(task);
        if (q.wanted() > 0) {
            switch (q.mode()) {
                case UNDECIDED -> needyFresh.add(task);
                case SOLO -> needySolo.add(task);
                case REPLICATED -> needyReplicated.add(task);
            }
        }
    }

    private MemberRecord record(String member) {
        return records.getOrDefault(member, MemberRecord.NEW);
    }

    /** @return the events since the last call, in order; the list is then emptied */
    public List<JobEvent> drainEvents() {
        List<JobEvent> out = List.copyOf(events);
        events.clear();
        return out;
    }

    /** @return the job's tasks by where they stand */
    public Progress progress() {
        int pending = 0;
        int running = 0;
        int validated = 0;
        int failed = 0;
        for (TaskQuorum q : tasks) {
            switch (q.status()) {
                case VALID -> validated++;
                case ERROR -> failed++;
                case OPEN -> {
                    if (q.inProgress() > 0) {
                        running++;
                    } else {
                        pending++;
                    }
                }
            }
        }
        return new Progress(pending, running, validated, failed, runs, leases.size());
    }

    /**
     * @param task the task's number
     * @return the task
     */
    public TaskQuorum task(int task) {
        return tasks.get(task);
    }

    /** @return the number of tasks */
    public int taskCount() {
        return tasks.size();
    }

    /** @return what is known of every member that gave a judged result, or was excluded */
    public Map<String, MemberRecord> members() {
        return Map.copyOf(records);
    }

    /**
     * @param member a member
     * @return what is known of it
     */
    public MemberRecord member(String member) {
        return record(member);
    }

    /** @return leases under way, in the order handed out */
    public List<Lease> leases() {
        return List.copyOf(leases.values());
    }

    /** @return the next lease number (kept, so a resumed job refuses reports on earlier leases) */
    public long nextLeaseId() {
        return nextLease;
    }

    /**
     * @param leaseId a lease
     * @return the lease, if it is under way
     */
    public Optional<Lease> lease(long leaseId) {
        return Optional.ofNullable(leases.get(leaseId));
    }
}
