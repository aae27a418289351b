package org.ringfellow.api.container;

import java.time.Instant;
import java.util.Optional;

/**
 * A container as the container manager sees it, for {@code container:list}.
 *
 * @param id the container's id (its spec's name)
 * @param driverType the driver that runs it
 * @param state its state; {@link ContainerState#DETACHED} while its driver is absent
 * @param image the image digest
 * @param imageName the image's name when it was started
 * @param limits its limits
 * @param startedAt when it was started
 * @param exit its exit status once it has exited
 */
public record ContainerInfo(String id, String driverType, ContainerState state, String image, String imageName,
        ResourceLimits limits, Instant startedAt, Optional<ExitStatus> exit) {
}
