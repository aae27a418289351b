package org.ringfellow.api.container;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a driver returns from {@link ContainerDriver#start} and needs to find the container
 * again, even from a new instance of the driver after the old one was stopped or updated.
 * The container manager persists it; it must therefore hold only plain strings.
 *
 * @param id the container's id on this node (the spec's name)
 * @param driverType the type of the driver that started it
 * @param startedAt when it was started
 * @param driverState whatever the driver needs to reattach (engine id, bundle path, pid, ...)
 */
public record ContainerHandle(String id, String driverType, Instant startedAt, Map<String, String> driverState) {

    /** Makes the driver state immutable. */
    public ContainerHandle {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(driverType, "driverType");
        Objects.requireNonNull(startedAt, "startedAt");
        driverState = Map.copyOf(driverState);
    }
}
