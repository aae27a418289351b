package org.ringfellow.job.internal.quorum;

/**
 * Whether two successful results of one task agree. By hash they agree when their digests are equal; a job's
 * validator command may accept results that differ harmlessly. It need not be transitive: the quorum looks for one
 * result that enough others agree with, as BOINC's validator does.
 */
@FunctionalInterface
public interface Agreement {

    /** Results agree when their digests are equal. */
    Agreement BY_HASH = (task, a, b) -> a.hash().equals(b.hash());

    /**
     * @param task the task's number
     * @param a one result
     * @param b another result of the same task
     * @return true if they agree
     */
    boolean agree(int task, Instance a, Instance b);
}
