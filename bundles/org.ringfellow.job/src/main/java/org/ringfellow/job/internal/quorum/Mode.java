package org.ringfellow.job.internal.quorum;

/** Whether a task is replicated (BOINC's adaptive replication marks each job as one or the other). */
public enum Mode {
    /** Nothing handed out yet: the first member to take it decides. */
    UNDECIDED,
    /** Run once, by a trusted member; its result alone is canonical. */
    SOLO,
    /** Run on {@code minQuorum} distinct members and more until they agree. */
    REPLICATED
}
