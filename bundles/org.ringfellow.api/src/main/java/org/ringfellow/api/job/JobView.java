package org.ringfellow.api.job;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a submitter knows of one of its jobs, for the console and the REST API.
 *
 * @param id the job's id
 * @param phase where it stands: {@code RECRUITING}, {@code RUNNING}, {@code COLLECTING} (fetching validated
 *     results), {@code DONE}, {@code CANCELLED} or {@code FAILED}
 * @param detail why it failed, or what it waits for; empty otherwise
 * @param tasks its number of tasks
 * @param progress its tasks by where they stand
 * @param collected validated results kept on this node
 * @param members what it knows of each member
 * @param eta the estimated time left, when known
 * @param comparisons the validator runs made so far, for a job with a validator command
 */
public record JobView(String id, String phase, Optional<String> detail, int tasks, Progress progress, int collected,
        List<MemberView> members, Optional<Duration> eta, Optional<Long> comparisons) {

    /** Checks the fields. */
    public JobView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(progress, "progress");
        members = List.copyOf(members);
        Objects.requireNonNull(eta, "eta");
        Objects.requireNonNull(comparisons, "comparisons");
    }

    /** @return true once the job has ended one way or another */
    public boolean ended() {
        return phase.equals("DONE") || phase.equals("CANCELLED") || phase.equals("FAILED");
    }

    /**
     * One member of a job as its submitter judged it.
     *
     * @param member the member's node id (hex)
     * @param consecutiveValid its run of valid results (BOINC's CV)
     * @param valid its valid results
     * @param invalid its invalid results
     * @param excluded whether it is excluded
     */
    public record MemberView(String member, int consecutiveValid, long valid, long invalid, boolean excluded) {
    }
}
