package org.ringfellow.api.container;

/**
 * The cgroup limits of one container.
 *
 * @param milliCpus CPU quota in thousandths of a core; 0 for no CPU limit
 * @param memoryBytes memory limit in bytes (swap included); at least 4 MiB
 * @param pids the most processes the container may have; at least 1
 */
public record ResourceLimits(long milliCpus, long memoryBytes, int pids) {

    /** The smallest memory limit a container may have. */
    public static final long MIN_MEMORY = 4L * 1024 * 1024;

    /** Limits for small workloads: a quarter of a core, 64 MiB, 64 processes. */
    public static final ResourceLimits SMALL = new ResourceLimits(250, 64L * 1024 * 1024, 64);

    /**
     * Validates the limits.
     *
     * @throws IllegalArgumentException if a limit is out of range
     */
    public ResourceLimits {
        if (milliCpus < 0) {
            throw new IllegalArgumentException("cpu limit cannot be negative: " + milliCpus);
        }
        if (memoryBytes < MIN_MEMORY) {
            throw new IllegalArgumentException("memory limit must be at least 4 MiB, got " + memoryBytes + " bytes");
        }
        if (pids < 1) {
            throw new IllegalArgumentException("pids limit must be at least 1, got " + pids);
        }
    }
}
