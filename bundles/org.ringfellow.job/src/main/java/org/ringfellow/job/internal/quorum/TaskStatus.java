package org.ringfellow.job.internal.quorum;

/** Where a task stands. */
public enum TaskStatus {
    /** Still needs results. */
    OPEN,
    /** Has a canonical result. */
    VALID,
    /** Gave up: too many errors, or no agreement within {@code maxTotalResults}. */
    ERROR
}
