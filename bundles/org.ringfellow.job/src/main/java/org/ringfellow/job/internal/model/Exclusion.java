package org.ringfellow.job.internal.model;

/**
 * When a member is excluded: once it has at least {@code minInvalid} invalid results in a job and its invalid
 * results are more than {@code maxInvalidFraction} of its checked ones (valid plus invalid).
 *
 * @param minInvalid invalid results before exclusion is considered, 1..1000
 * @param maxInvalidFraction the share of invalid results tolerated, 0..1
 */
public record Exclusion(int minInvalid, double maxInvalidFraction) {

    /** Largest {@code minInvalid}. */
    public static final int MAX_MIN_INVALID = 1000;

    /** The defaults: two invalid results and more than 1 % of the checked ones. */
    public static final Exclusion DEFAULT = new Exclusion(2, 0.01);

    /** Checks the bounds. */
    public Exclusion {
        if (minInvalid < 1 || minInvalid > MAX_MIN_INVALID) {
            throw new IllegalArgumentException("exclusion.minInvalid must be 1.." + MAX_MIN_INVALID + ", got "
                    + minInvalid);
        }
        if (!(maxInvalidFraction >= 0 && maxInvalidFraction <= 1)) {
            throw new IllegalArgumentException("exclusion.maxInvalidFraction must be 0..1, got " + maxInvalidFraction);
        }
    }

    /**
     * Whether a member with these counts is to be excluded.
     *
     * @param valid its valid results
     * @param invalid its invalid results
     * @return true if it crossed the threshold
     */
    public boolean excludes(long valid, long invalid) {
        return invalid >= minInvalid && invalid > maxInvalidFraction * (valid + invalid);
    }
}
