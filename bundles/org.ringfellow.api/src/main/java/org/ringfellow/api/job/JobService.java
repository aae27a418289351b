package org.ringfellow.api.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * This node's batch jobs: the service the job bundle ({@code org.ringfellow.job}, feature {@code ringfellow-jobs})
 * registers, which its {@code job:*} console commands and the REST API's {@code /api/v1/jobs} routes call. Its jobs
 * are the ones this node submitted.
 */
public interface JobService {

    /**
     * Reads a job file, keeps the job and starts recruiting its fellowship.
     *
     * @param file a JSON or YAML job file (at most 8 MiB)
     * @return the job as it stands
     * @throws JobException if the file is missing, too large or invalid (the message names the field)
     */
    JobView submit(Path file) throws JobException;

    /** @return every job this node submitted, by id */
    List<JobView> list();

    /**
     * @param id a job's id
     * @return the job, or empty
     */
    Optional<JobView> status(String id);

    /**
     * The job's tasks with their result, as kept on this node.
     *
     * @param id a job's id
     * @return one line per task
     * @throws JobException if there is no such job
     */
    List<TaskLine> tasks(String id) throws JobException;

    /**
     * Writes the job's validated results into a directory of this node, one file set per task.
     *
     * @param id a job's id
     * @param dir an absent or empty directory
     * @return the number of results written
     * @throws JobException if there is no such job, or the directory cannot be written
     */
    int results(String id, Path dir) throws JobException;

    /**
     * Cancels a job: its members stop, its fellowship is dissolved, what was validated is kept.
     *
     * @param id a job's id
     * @return the job as it stands
     * @throws JobException if there is no such job or it has ended
     */
    JobView cancel(String id) throws JobException;

    /**
     * One task of a job.
     *
     * @param task its number
     * @param status {@code OPEN}, {@code VALID} or {@code ERROR}
     * @param results results that came back for it
     * @param digest its canonical result's digest, when valid
     * @param exitCode the canonical result's exit code, once collected
     * @param stdout the canonical result's standard output (its first 200 characters), once collected
     * @param error why it is in error
     */
    record TaskLine(int task, String status, int results, Optional<String> digest, Optional<Integer> exitCode,
            Optional<String> stdout, Optional<String> error) {
    }
}
