package org.ringfellow.api.container;

import java.time.Instant;

/**
 * How a container's main process ended.
 *
 * @param exitCode the exit code, or 128 + signal number if it was killed
 * @param signal the signal that killed it, or 0
 * @param oomKilled whether the kernel killed it for exceeding its memory limit
 * @param finishedAt when it ended, as well as the driver knows
 */
public record ExitStatus(int exitCode, int signal, boolean oomKilled, Instant finishedAt) {
}
