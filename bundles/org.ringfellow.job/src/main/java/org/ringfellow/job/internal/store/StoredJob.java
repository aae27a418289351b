package org.ringfellow.job.internal.store;

import java.util.Objects;

/**
 * A job as the submitter keeps it.
 *
 * @param id the job's id ({@code <name>-<8 hex>})
 * @param state where it stands
 * @param submittedMillis when it was submitted (wall clock)
 * @param seed the seed of its scheduler's generator
 * @param nextLease the lease number its next run starts from
 * @param runs how many times the submitter started it (1 at the first start)
 */
public record StoredJob(String id, State state, long submittedMillis, long seed, long nextLease, int runs) {

    /** Where a job stands. */
    public enum State {
        /** Its tasks are being run. */
        RUNNING,
        /** Every task is validated or failed. */
        DONE,
        /** Cancelled by its submitter. */
        CANCELLED,
        /** Cannot go on (an input file changed, its state cannot be read). */
        FAILED
    }

    /** Checks the fields. */
    public StoredJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        if (nextLease < 1 || runs < 0) {
            throw new IllegalArgumentException("job " + id + ": nextLease " + nextLease + ", runs " + runs);
        }
    }
}
