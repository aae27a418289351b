package org.ringfellow.job.internal.quorum;

/**
 * A task handed to a member until a deadline.
 *
 * @param id the lease's number, unique in one run of the scheduler
 * @param task the task's number
 * @param member the member
 * @param deadline when the lease ends, on the scheduler's clock (milliseconds)
 * @param solo whether the task runs unreplicated (the member is trusted)
 */
public record Lease(long id, int task, String member, long deadline, boolean solo) {
}
