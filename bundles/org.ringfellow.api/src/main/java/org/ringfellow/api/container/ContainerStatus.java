package org.ringfellow.api.container;

import java.util.Optional;

/**
 * A driver's answer to {@link ContainerDriver#inspect}.
 *
 * @param state the state
 * @param pid the host pid of the container's main process while it runs, or 0
 * @param exit the exit status once it has exited
 */
public record ContainerStatus(ContainerState state, long pid, Optional<ExitStatus> exit) {
}
