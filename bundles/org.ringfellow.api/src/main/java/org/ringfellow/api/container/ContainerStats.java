package org.ringfellow.api.container;

import java.time.Instant;

/**
 * Resource usage of a container, read from its cgroups.
 *
 * @param cpuNanos CPU time used since start, in nanoseconds
 * @param memoryBytes memory in use now
 * @param memoryLimitBytes its memory limit
 * @param pids processes now
 * @param at when these were read
 */
public record ContainerStats(long cpuNanos, long memoryBytes, long memoryLimitBytes, int pids, Instant at) {
}
