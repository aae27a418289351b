package org.ringfellow.job.internal.quorum;

/**
 * A judgement on one member's result, for its reputation.
 *
 * @param member the member
 * @param validity {@link Validity#VALID} or {@link Validity#INVALID}
 * @param replicated whether the task was replicated: only those count for trust and exclusion (BOINC counts
 *        consecutive valid results of replicated jobs only)
 */
public record Verdict(String member, Validity validity, boolean replicated) {
}
