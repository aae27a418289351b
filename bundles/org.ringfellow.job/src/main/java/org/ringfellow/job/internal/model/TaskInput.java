package org.ringfellow.job.internal.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One task's input: a line of the job file or a file next to it, given to the task on its standard input.
 *
 * @param index the task's number, from 0
 * @param line the line, for a job with {@code inputs.lines}
 * @param file the file (absolute), for a job with {@code inputs.files}
 * @param sha256 the file's SHA-256 in hex when it was submitted (empty for a line), so a changed file is noticed
 */
public record TaskInput(int index, Optional<String> line, Optional<Path> file, Optional<String> sha256) {

    /** Checks that exactly one of line and file is given. */
    public TaskInput {
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        if (index < 0) {
            throw new IllegalArgumentException("task index cannot be negative: " + index);
        }
        if (line.isPresent() == file.isPresent()) {
            throw new IllegalArgumentException("a task input is a line or a file, not both or neither");
        }
    }

    /**
     * @param index the task's number
     * @param line the line
     * @return a line input
     */
    public static TaskInput ofLine(int index, String line) {
        return new TaskInput(index, Optional.of(line), Optional.empty(), Optional.empty());
    }

    /**
     * @param index the task's number
     * @param file the file
     * @param sha256 its digest in hex
     * @return a file input
     */
    public static TaskInput ofFile(int index, Path file, String sha256) {
        return new TaskInput(index, Optional.empty(), Optional.of(file), Optional.of(sha256));
    }
}
