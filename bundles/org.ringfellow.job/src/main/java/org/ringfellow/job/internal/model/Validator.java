package org.ringfellow.job.internal.model;

import java.util.List;

/**
 * A job's validator command: decides whether two successful results of one task agree when their digests differ
 * (docs/jobs.md, "The validator command"). It runs on the submitter in a container of the job's image with both
 * results mounted read-only ({@code /mnt/a}, {@code /mnt/b}); exit code 0 means they agree.
 *
 * @param command the command line, argv style
 * @param timeoutSeconds how long one comparison may run; past it the results are taken to disagree
 */
public record Validator(List<String> command, int timeoutSeconds) {

    /** Default time a comparison may take, in seconds. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 60;
    /** Most time a comparison may take, in seconds. */
    public static final int MAX_TIMEOUT_SECONDS = 3600;

    /** Copies the command and checks the bounds. */
    public Validator {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("validator.command must not be empty");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("validator.timeoutSeconds must be 1.." + MAX_TIMEOUT_SECONDS + ", got "
                    + timeoutSeconds);
        }
    }
}
