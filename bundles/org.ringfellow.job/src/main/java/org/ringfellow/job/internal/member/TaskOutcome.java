package org.ringfellow.job.internal.member;

import java.util.Objects;
import java.util.Optional;
import org.ringfellow.job.internal.model.TaskResult;

/**
 * What running one task on this member gave: a result with its digest, or an error with its reason.
 *
 * @param result the result, for a run that ended
 * @param digest the result's digest, for a run that ended
 * @param error why the run could not be made, otherwise
 */
public record TaskOutcome(Optional<TaskResult> result, Optional<String> digest, Optional<String> error) {

    /** Checks that it is a result with its digest or an error. */
    public TaskOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(error, "error");
        if (result.isPresent() != digest.isPresent() || result.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("an outcome is a result with its digest, or an error");
        }
    }

    static TaskOutcome success(TaskResult result, String digest) {
        return new TaskOutcome(Optional.of(result), Optional.of(digest), Optional.empty());
    }

    static TaskOutcome failure(String reason) {
        return new TaskOutcome(Optional.empty(), Optional.empty(), Optional.of(reason));
    }

    /** @return true for a result */
    public boolean succeeded() {
        return result.isPresent();
    }
}
