package org.ringfellow.job.internal.quorum;

/** What the scheduler tells the layer around it (to store, to show, to act on). */
public sealed interface JobEvent {

    /**
     * A task's state changed and is to be stored.
     *
     * @param task the task
     */
    record TaskChanged(int task) implements JobEvent {
    }

    /**
     * A task has its canonical result.
     *
     * @param task the task
     * @param hash the canonical result's digest
     */
    record TaskValidated(int task, String hash) implements JobEvent {
    }

    /**
     * A task gave up.
     *
     * @param task the task
     * @param reason why
     */
    record TaskFailed(int task, String reason) implements JobEvent {
    }

    /**
     * A valid task is open again: its canonical result came from a member since excluded.
     *
     * @param task the task
     */
    record TaskReopened(int task) implements JobEvent {
    }

    /**
     * A member is excluded from the job.
     *
     * @param member the member
     * @param valid its valid results in the job
     * @param invalid its invalid results in the job
     */
    record MemberExcluded(String member, long valid, long invalid) implements JobEvent {
    }
}
