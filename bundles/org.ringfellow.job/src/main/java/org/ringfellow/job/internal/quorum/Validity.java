package org.ringfellow.job.internal.quorum;

/** What the quorum made of a successful result. */
public enum Validity {
    /** Not compared yet (or no quorum yet). */
    UNCHECKED,
    /** Agrees with the task's canonical result. */
    VALID,
    /** Disagrees with the task's canonical result. */
    INVALID,
    /** Thrown away unjudged because its member was excluded. */
    DISCARDED
}
