package org.ringfellow.api.job;

/**
 * A job's tasks by where they stand, and how much work was done for them.
 *
 * @param pending open tasks with nothing under way
 * @param running open tasks with an instance under way
 * @param validated tasks with a canonical result
 * @param failed tasks in error
 * @param runs instances that came back (success, error or no reply): task runs, for the replication overhead
 * @param leases leases under way
 */
public record Progress(int pending, int running, int validated, int failed, long runs, int leases) {

    /** @return true when every task is validated or failed */
    public boolean finished() {
        return pending == 0 && running == 0;
    }
}
