package org.ringfellow.job.internal.quorum;

/** How one handed-out instance of a task ended. */
public enum Outcome {
    /** Handed out, no report yet. */
    IN_PROGRESS,
    /** The member ran the task and reported a result (whatever its exit code). */
    SUCCESS,
    /** The member could not run the task: the image was missing, output over its cap, the container failed. */
    ERROR,
    /** The lease's deadline passed without a report (BOINC's "no reply"); counts as an error. */
    NO_REPLY,
    /** The member left, died or was excluded before reporting: not the task's fault, counts for nothing. */
    LOST
}
