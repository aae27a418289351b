package org.ringfellow.bench.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ringfellow.job.internal.model.JobFileException;
import org.ringfellow.job.internal.model.JobFileReader;

/**
 * A job file as {@code job:submit} reads it (JSON or YAML, told by its first character, through
 * {@code JobFileReader.parse}): refused with a {@link JobFileException} that says why, or read.
 * Input files it names are looked for in an empty directory of its own.
 */
public final class JobFileTarget {

    private static final JobFileReader READER = new JobFileReader();
    private static final Path BASE;

    static {
        try {
            BASE = Files.createTempDirectory("jobfile-fuzz");
            BASE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JobFileTarget() {
    }

    /**
     * One input.
     *
     * @param data a job file's bytes
     */
    public static void fuzzerTestOneInput(byte[] data) {
        try {
            if (READER.parse(data, null, BASE) == null) {
                throw new IllegalStateException("job file: parse gave null");
            }
        } catch (JobFileException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new IllegalStateException("a refusal must say why", refused);
            }
        }
    }
}
