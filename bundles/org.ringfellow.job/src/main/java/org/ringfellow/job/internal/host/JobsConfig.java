package org.ringfellow.job.internal.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The node's configuration for jobs (PID {@value #PID}), every value bounded: a value out of range, of the wrong
 * type or a relative data directory is refused with a message naming it.
 *
 * @param maxSlots the most tasks this node runs at once for one job, whatever the job asks ({@code 1..64})
 * @param maxJobs the most jobs of other submitters this node takes part in at once ({@code 1..64}); an invitation
 *     beyond is left at once
 * @param dataDir where job files live (task directories, kept results); empty: {@code <node data dir>/jobs}
 * @param idle how long a member waits before asking again when it got nothing ({@code 50 ms..60 s})
 * @param answerTimeout how long a member or submitter waits for an answer ({@code 1..600 s})
 * @param tick how often the submitter ends leases past their deadline and checks its jobs' end ({@code 100 ms..60 s})
 */
public record JobsConfig(int maxSlots, int maxJobs, Optional<Path> dataDir, Duration idle, Duration answerTimeout,
        Duration tick) {

    /** The configuration PID. */
    public static final String PID = "org.ringfellow.job";

    /** The defaults. */
    public static final JobsConfig DEFAULT = new JobsConfig(2, 8, Optional.empty(), Duration.ofMillis(500),
            Duration.ofSeconds(30), Duration.ofSeconds(1));

    /** Checks every value. */
    public JobsConfig {
        within("maxSlots", maxSlots, 1, 64);
        within("maxJobs", maxJobs, 1, 64);
        dataDir.ifPresent(d -> {
            if (!d.isAbsolute()) {
                throw new IllegalArgumentException("dataDir must be an absolute path, got '" + d + "'");
            }
        });
        within("idleMillis", idle.toMillis(), 50, 60_000);
        within("answerTimeoutSeconds", answerTimeout.toSeconds(), 1, 600);
        within("tickMillis", tick.toMillis(), 100, 60_000);
    }

    /**
     * Reads the configuration; absent keys take the defaults.
     *
     * @param config the component's properties
     * @return the configuration
     * @throws IllegalArgumentException naming the bad value
     */
    public static JobsConfig parse(Map<String, ?> config) {
        String dir = text(config, "dataDir", "");
        return new JobsConfig((int) number(config, "maxSlots", DEFAULT.maxSlots, 1, 64),
                (int) number(config, "maxJobs", DEFAULT.maxJobs, 1, 64),
                dir.isBlank() ? Optional.empty() : Optional.of(path(dir)),
                Duration.ofMillis(number(config, "idleMillis", DEFAULT.idle.toMillis(), 50, 60_000)),
                Duration.ofSeconds(number(config, "answerTimeoutSeconds", DEFAULT.answerTimeout.toSeconds(), 1, 600)),
                Duration.ofMillis(number(config, "tickMillis", DEFAULT.tick.toMillis(), 100, 60_000)));
    }

    private static Path path(String dir) {
        if (dir.length() > 4096 || dir.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("dataDir is not a usable path (at most 4096 characters, no NUL)");
        }
        try {
            return Path.of(dir.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("dataDir '" + dir + "' is not a path: " + e.getMessage(), e);
        }
    }

    private static String text(Map<String, ?> config, String key, String fallback) {
        Object v = config.get(key);
        return v == null ? fallback : v.toString();
    }

    private static long number(Map<String, ?> config, String key, long fallback, long min, long max) {
        Object v = config.get(key);
        if (v == null || v.toString().isBlank()) {
            return fallback;
        }
        long n;
        if (v instanceof Number number && !(v instanceof Double) && !(v instanceof Float)) {
            n = number.longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number " + min + ".." + max + ", got '"
                        + v + "'");
            }
        }
        within(key, n, min, max);
        return n;
    }

    private static void within(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", got " + value);
        }
    }
}
