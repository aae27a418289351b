package org.ringfellow.job.internal.quorum;

import java.util.random.RandomGenerator;

/**
 * BOINC's adaptive replication rule, the version based on consecutive valid results: a member whose count
 * {@code CV} of consecutive valid results (of replicated tasks, in this job) is below 10 is not trusted; otherwise
 * it is trusted with probability {@code 1 - 1/CV}. One invalid result sets {@code CV} back to 0.
 */
public final class AdaptiveReplication {

    /** Consecutive valid results below which a member is never trusted. */
    public static final int MIN_CONSECUTIVE_VALID = 10;

    private AdaptiveReplication() {
    }

    /**
     * The probability of trusting a member.
     *
     * @param consecutiveValid its consecutive valid results
     * @return 0 below {@link #MIN_CONSECUTIVE_VALID}, else {@code 1 - 1/consecutiveValid}
     */
    public static double trustProbability(int consecutiveValid) {
        return consecutiveValid < MIN_CONSECUTIVE_VALID ? 0 : 1 - 1.0 / consecutiveValid;
    }

    /**
     * Draws whether to trust a member for the task about to be handed out.
     *
     * @param consecutiveValid its consecutive valid results
     * @param random the scheduler's seeded generator
     * @return true to send the task unreplicated
     */
    public static boolean trusts(int consecutiveValid, RandomGenerator random) {
        double p = trustProbability(consecutiveValid);
        return p > 0 && random.nextDouble() < p;
    }
}
