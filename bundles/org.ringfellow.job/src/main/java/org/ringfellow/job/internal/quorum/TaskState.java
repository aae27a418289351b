package org.ringfellow.job.internal.quorum;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A task's kept state: what the submitter stores and resumes from.
 *
 * @param task the task's number
 * @param mode its mode
 * @param status where it stands
 * @param error why it is in error
 * @param extra results wanted beyond the target after failed agreements
 * @param instances the instances that came back (none under way)
 * @param canonical the index of the canonical result in {@code instances}, or -1
 */
public record TaskState(int task, Mode mode, TaskStatus status, Optional<String> error, int extra,
        List<Instance> instances, int canonical) {

    /** Copies the list. */
    public TaskState {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(error, "error");
        instances = List.copyOf(instances);
    }
}
