package org.ringfellow.job.internal.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ringfellow.job.internal.model.Replication;

/**
 * The validation state of one task, with BOINC's workunit parameters (docs/jobs.md): pure and deterministic, no
 * clock and no I/O. Instances are handed out to distinct members; once {@code quorum} successful results are back
 * the task looks for one that enough others agree with (the canonical result); without one it asks for one more
 * result; more than {@code maxErrorResults} failed instances, or {@code maxTotalResults} instances back without
 * agreement, put it in error. Results that come in after the canonical one are judged against it.
 */
public final class TaskQuorum {

    private final int task;
    private final Replication replication;
    private final List<Instance> instances = new ArrayList<>();
    private Mode mode;
    private TaskStatus status = TaskStatus.OPEN;
    private String error;
    private int canonical = -1;
    private int extra;

    /**
     * @param task the task's number
     * @param replication the job's quorum parameters
     * @param mode {@link Mode#UNDECIDED} with adaptive replication, else {@link Mode#REPLICATED}
     */
    public TaskQuorum(int task, Replication replication, Mode mode) {
        this.task = task;
        this.replication = Objects.requireNonNull(replication, "replication");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** @return the task's number */
    public int task() {
        return task;
    }

    /** @return the task's mode */
    public Mode mode() {
        return mode;
    }

    /** @return where the task stands */
    public TaskStatus status() {
        return status;
    }

    /** @return why the task is in error, if it is */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** @return the canonical result, once the task is valid */
    public Optional<Instance> canonical() {
        return canonical < 0 ? Optional.empty() : Optional.of(instances.get(canonical));
    }

    /** @return every instance handed out, in order */
    public List<Instance> instances() {
        return List.copyOf(instances);
    }

    /**
     * Sets the mode when the task is handed out (adaptive replication): an undecided or solo task may become
     * replicated; a replicated task stays replicated.
     *
     * @param newMode the mode
     */
    public void decide(Mode newMode) {
        if (newMode == Mode.UNDECIDED || mode == Mode.REPLICATED && newMode != Mode.REPLICATED) {
            throw new IllegalStateException("task " + task + " cannot go from " + mode + " to " + newMode);
        }
        mode = newMode;
    }

    /** @return successful results that agree for the task to be valid: 1 when solo, else {@code minQuorum} */
    public int quorum() {
        return mode == Mode.SOLO ? 1 : replication.minQuorum();
    }

    /**
     * How many more instances to hand out now: enough that the results under way and back reach the target (one
     * more than the successful results after a failed agreement), never more than {@code maxTotalResults} in all.
     *
     * @return instances wanted, 0 when valid or in error
     */
    public int wanted() {
        if (status != TaskStatus.OPEN) {
            return 0;
        }
        int target = (mode == Mode.SOLO ? 1 : replication.targetResults()) + extra;
        int want = Math.max(0, target - count(Validity.UNCHECKED, true) - inProgress());
        return Math.min(want, Math.max(0, replication.maxTotalResults() - counted()));
    }

    /** @return instances handed out and not back yet */
    public int inProgress() {
        int n = 0;
        for (Instance i : instances) {
            if (i.outcome() == Outcome.IN_PROGRESS) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether a member already has or gave a result of this task (its lost instances do not count), so that a
     * task's results come from distinct members.
     *
     * @param member the member
     * @return true if it may not take the task again
     */
    public boolean hasMember(String member) {
        for (Instance i : instances) {
            if (i.member().equals(member) && i.outcome() != Outcome.LOST) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hands an instance to a member.
     *
     * @param member the member
     * @throws IllegalStateException if the task wants no instance, is undecided, or the member already has one
     */
    public void issue(String member) {
        if (mode == Mode.UNDECIDED) {
            throw new IllegalStateException("task " + task + " is handed out before its mode is decided");
        }
        if (wanted() == 0) {
            throw new IllegalStateException("task " + task + " wants no more instances");
        }
        if (hasMember(member)) {
            throw new IllegalStateException("task " + task + " already has a result from " + member);
        }
        instances.add(new Instance(member, Outcome.IN_PROGRESS, null, Validity.UNCHECKED));
    }

    /**
     * Records what a member's instance gave and judges the task.
     *
     * @param member the member
     * @param outcome {@link Outcome#SUCCESS}, {@link Outcome#ERROR}, {@link Outcome#NO_REPLY} or {@link Outcome#LOST}
     * @param hash the result's digest for a success, else null
     * @param agreement how results are compared
     * @return the judgements made on results (for the members' reputations), possibly none
     * @throws IllegalStateException if the member has no instance in progress
     */
    public List<Verdict> report(String member, Outcome outcome, String hash, Agreement agreement) {
        if (outcome == Outcome.IN_PROGRESS) {
            throw new IllegalArgumentException("a report cannot be IN_PROGRESS");
        }
        int at = inProgressOf(member);
        if (at < 0) {
            throw new IllegalStateException("task " + task + " has no instance in progress on " + member);
        }
        instances.set(at, instances.get(at).with(outcome, outcome == Outcome.SUCCESS ? hash : null));
        return evaluate(agreement);
    }

    /**
     * Throws away what an excluded member gave: its instances under way are lost, its unjudged results discarded;
     * a solo task it made valid is opened again and replicated. A replicated task it helped validate keeps its
     * canonical result (others agreed with it), moved to another member's result.
     *
     * @param member the excluded member
     * @param agreement how results are compared
     * @return true if the task was valid and is open again
     */
    public boolean discard(String member, Agreement agreement) {
        boolean reopened = false;
        for (int k = 0; k < instances.size(); k++) {
            Instance i = instances.get(k);
            if (!i.member().equals(member)) {
                continue;
            }
            if (i.outcome() == Outcome.IN_PROGRESS) {
                instances.set(k, i.with(Outcome.LOST, null));
            } else if (i.outcome() == Outcome.SUCCESS && (i.validity() == Validity.UNCHECKED || k == canonical)) {
                instances.set(k, i.with(Validity.DISCARDED));
                if (k == canonical) {
                    canonical = -1;
                    for (int o = 0; o < instances.size(); o++) {
                        Instance other = instances.get(o);
                        if (other.validity() == Validity.VALID && !other.member().equals(member)) {
                            canonical = o;
                            break;
                        }
                    }
                    if (canonical < 0) {
                        status = TaskStatus.OPEN;
                        mode = Mode.REPLICATED;
                        extra = 0;
                        reopened = true;
                    }
                }
            }
        }
        if (reopened) {
            // results judged against the discarded one are judged afresh
            for (int k = 0; k < instances.size(); k++) {
                if (instances.get(k).validity() == Validity.INVALID) {
                    instances.set(k, instances.get(k).with(Validity.UNCHECKED));
                }
            }
            evaluate(agreement);
        }
        return reopened;
    }

    private int inProgressOf(String member) {
        for (int k = 0; k < instances.size(); k++) {
            Instance i = instances.get(k);
            if (i.member().equals(member) && i.outcome() == Outcome.IN_PROGRESS) {
                return k;
            }
        }
        return -1;
    }

    private List<Verdict> evaluate(Agreement agreement) {
        List<Verdict> verdicts = new ArrayList<>();
        boolean replicated = mode == Mode.REPLICATED;
        if (status == TaskStatus.VALID) {
            Instance reference = instances.get(canonical);
            for (int k = 0; k < instances.size(); k++) {
                Instance i = instances.get(k);
                if (i.isCandidate()) {
                    Validity v = agreement.agree(task, reference, i) ? Validity.VALID : Validity.INVALID;
                    instances.set(k, i.with(v));
                    verdicts.add(new Verdict(i.member(), v, replicated));
                }
            }
            return verdicts;
        }
        if (status == TaskStatus.ERROR) {
            return verdicts;
        }
        int errors = count(null, false);
        if (errors > replication.maxErrorResults()) {
            fail("more than maxErrorResults (" + replication.maxErrorResults() + ") runs failed: " + errors);
            return verdicts;
        }
        List<Integer> candidates = new ArrayList<>();
        for (int k = 0; k < instances.size(); k++) {
            if (instances.get(k).isCandidate()) {
                candidates.add(k);
            }
        }
        if (candidates.size() >= quorum()) {
            for (int r : candidates) {
                int agreeing = 1;
                for (int o : candidates) {
                    if (o != r && agreement.agree(task, instances.get(r), instances.get(o))) {
                        agreeing++;
                    }
                }
                if (agreeing >= quorum()) {
                    canonical = r;
                    break;
                }
            }
            if (canonical >= 0) {
                status = TaskStatus.VALID;
                Instance reference = instances.get(canonical);
                for (int k : candidates) {
                    Instance i = instances.get(k);
                    Validity v = k == canonical || agreement.agree(task, reference, i) ? Validity.VALID
                            : Validity.INVALID;
                    instances.set(k, i.with(v));
                    verdicts.add(new Verdict(i.member(), v, replicated));
                }
                return verdicts;
            }
            int target = mode == Mode.SOLO ? 1 : replication.targetResults();
            extra = Math.max(extra, candidates.size() + 1 - target);
        }
        if (wanted() == 0 && inProgress() == 0) {
            fail("no " + quorum() + " results agreed within maxTotalResults (" + replication.maxTotalResults()
                    + ")");
        }
        return verdicts;
    }

    private void fail(String reason) {
        status = TaskStatus.ERROR;
        error = reason;
    }

    /** Successful results of a validity, or (validity null) failed runs, ERROR and NO_REPLY. */
    private int count(Validity validity, boolean successes) {
        int n = 0;
        for (Instance i : instances) {
            if (successes ? i.outcome() == Outcome.SUCCESS && i.validity() == validity
                    : i.outcome() == Outcome.ERROR || i.outcome() == Outcome.NO_REPLY) {
                n++;
            }
        }
        return n;
    }

    /** Instances that count against {@code maxTotalResults}: all but the lost and the discarded. */
    private int counted() {
        int n = 0;
        for (Instance i : instances) {
            if (i.outcome() != Outcome.LOST && i.validity() != Validity.DISCARDED) {
                n++;
            }
        }
        return n;
    }

    /**
     * The state to keep, without the instances under way (leases do not survive a restart of the submitter).
     *
     * @return a snapshot
     */
    public TaskState snapshot() {
        List<Instance> kept = new ArrayList<>();
        int keptCanonical = -1;
        for (int k = 0; k < instances.size(); k++) {
            Instance i = instances.get(k);
            if (i.outcome() != Outcome.IN_PROGRESS) {
                if (k == canonical) {
                    keptCanonical = kept.size();
                }
                kept.add(i);
            }
        }
        return new TaskState(task, mode, status, Optional.ofNullable(error), extra, kept, keptCanonical);
    }

    /**
     * Rebuilds a task from its snapshot.
     *
     * @param state the snapshot
     * @param replication the job's quorum parameters
     * @return the task
     */
    public static TaskQuorum restore(TaskState state, Replication replication) {
        TaskQuorum q = new TaskQuorum(state.task(), replication, state.mode());
        q.status = state.status();
        q.error = state.error().orElse(null);
        q.extra = state.extra();
        for (Instance i : state.instances()) {
            if (i.outcome() == Outcome.IN_PROGRESS) {
                throw new IllegalArgumentException("task " + state.task() + ": a kept instance cannot be in progress");
            }
            q.instances.add(i);
        }
        if (state.canonical() >= q.instances.size()
                || (state.status() == TaskStatus.VALID) != (state.canonical() >= 0)) {
            throw new IllegalArgumentException("task " + state.task() + ": canonical " + state.canonical()
                    + " does not fit status " + state.status() + " and " + q.instances.size() + " instances");
        }
        q.canonical = state.canonical();
        return q;
    }
}
