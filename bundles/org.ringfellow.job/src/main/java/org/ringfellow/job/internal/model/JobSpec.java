package org.ringfellow.job.internal.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ringfellow.api.node.Resources;

/**
 * A validated job: what to run, on what inputs, and how its results are checked. Made by {@link JobFileReader};
 * every field is already bounded (docs/jobs.md has the schema).
 *
 * @param name the job's name
 * @param runtime the runtime type (only {@code command} is accepted)
 * @param image the image the tasks run in
 * @param command the command line, argv style
 * @param env environment variables given to each task
 * @param inputs the tasks' inputs, one task each
 * @param outputs the declared output files a task writes, part of its result
 * @param resources what each member lends the job
 * @param members the job fellowship's size
 * @param slotsPerMember tasks a member runs at once
 * @param deadlineSeconds a task's lease: a member that has not reported by then loses it
 * @param maxOutputBytes the cap on a task's standard output and on each output file
 * @param replication the quorum parameters
 * @param validator a validator command comparing two results, or empty to compare by hash
 * @param exclusion when a member is excluded
 */
public record JobSpec(String name, String runtime, String image, List<String> command, Map<String, String> env,
        List<TaskInput> inputs, List<String> outputs, Resources resources, int members, int slotsPerMember,
        int deadlineSeconds, long maxOutputBytes, Replication replication, Optional<Validator> validator,
        Exclusion exclusion) {

    /** Copies the collections and checks the relations that span fields. */
    public JobSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(exclusion, "exclusion");
        if (members < replication.minQuorum()) {
            throw new IllegalArgumentException("members (" + members + ") must be at least replication.minQuorum ("
                    + replication.minQuorum() + "): a task's results must come from distinct members");
        }
    }
}
