package org.ringfellow.job.internal.model;

/**
 * How many results a task needs, with BOINC's workunit parameters (see docs/jobs.md).
 *
 * @param minQuorum results that must agree for a task to be valid (BOINC {@code min_quorum})
 * @param targetResults instances handed out at first (BOINC {@code target_nresults}), at least {@code minQuorum}
 * @param maxErrorResults a task with more failed instances than this is in error (BOINC {@code max_error_results})
 * @param maxTotalResults at most this many instances are ever handed out for a task; once all of them are back
 *        without agreement the task is in error (BOINC {@code max_total_results})
 * @param adaptive whether trusted members run tasks unreplicated (BOINC's adaptive replication)
 */
public record Replication(int minQuorum, int targetResults, int maxErrorResults, int maxTotalResults,
        boolean adaptive) {

    /** Largest quorum accepted. */
    public static final int MAX_QUORUM = 16;
    /** Largest {@code targetResults}. */
    public static final int MAX_TARGET = 32;
    /** Largest {@code maxErrorResults}. */
    public static final int MAX_ERRORS = 64;
    /** Largest {@code maxTotalResults}. */
    public static final int MAX_TOTAL = 128;

    /** The defaults: quorum 2, two instances, three errors, six instances in all, no adaptive replication. */
    public static final Replication DEFAULT = new Replication(2, 2, 3, 6, false);

    /** Checks the bounds and the relations between the fields. */
    public Replication {
        if (minQuorum < 1 || minQuorum > MAX_QUORUM) {
            throw new IllegalArgumentException("replication.minQuorum must be 1.." + MAX_QUORUM + ", got " + minQuorum);
        }
        if (targetResults < minQuorum || targetResults > MAX_TARGET) {
            throw new IllegalArgumentException("replication.targetResults must be minQuorum (" + minQuorum + ").."
                    + MAX_TARGET + ", got " + targetResults);
        }
        if (maxErrorResults < 0 || maxErrorResults > MAX_ERRORS) {
            throw new IllegalArgumentException("replication.maxErrorResults must be 0.." + MAX_ERRORS + ", got "
                    + maxErrorResults);
        }
        if (maxTotalResults < targetResults || maxTotalResults > MAX_TOTAL) {
            throw new IllegalArgumentException("replication.maxTotalResults must be targetResults (" + targetResults
                    + ").." + MAX_TOTAL + ", got " + maxTotalResults);
        }
    }
}
