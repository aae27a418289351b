package org.ringfellow.job.internal.quorum;

/**
 * What a job knows of a member's results.
 *
 * @param consecutiveValid valid results of replicated tasks in a row (BOINC's CV)
 * @param valid valid results of replicated tasks
 * @param invalid invalid results of replicated tasks
 * @param excluded whether it is excluded
 */
public record MemberRecord(int consecutiveValid, long valid, long invalid, boolean excluded) {

    /** A member nothing is known of. */
    public static final MemberRecord NEW = new MemberRecord(0, 0, 0, false);
}
