package org.ringfellow.api.container;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The node's one entry point to containers. It tracks every {@link ContainerDriver} service,
 * persists every container it starts, keeps them when their driver goes away and reattaches
 * them when it comes back, and refuses starts that exceed what the node contributes.
 */
public interface ContainerManager {

    /**
     * Lists the drivers present now.
     *
     * @return the drivers, by type
     */
    List<DriverInfo> drivers();

    /**
     * Returns the type new containers are started with.
     *
     * @return the default driver type, or empty if none is chosen and none is present
     */
    Optional<String> defaultDriver();

    /**
     * Chooses the driver for new containers. Containers already running stay where they are.
     *
     * @param type a driver type
     * @throws DriverException with {@link DriverException.Kind#NO_DRIVER} if no such driver is present
     */
    void useDriver(String type) throws DriverException;

    /**
     * Starts a container on the default driver.
     *
     * @param spec what to run
     * @return the container
     * @throws DriverException if it cannot be started; nothing is left behind
     */
    ContainerInfo run(ContainerSpec spec) throws DriverException;

    /**
     * Starts a container on a given driver.
     *
     * @param spec what to run
     * @param driverType the driver to use
     * @return the container
     * @throws DriverException if it cannot be started; nothing is left behind
     */
    ContainerInfo run(ContainerSpec spec, String driverType) throws DriverException;

    /**
     * Lists the containers of this node.
     *
     * @return every container the node holds
     */
    List<ContainerInfo> list();

    /**
     * Looks up a container.
     *
     * @param id its id
     * @return the container, or empty
     */
    Optional<ContainerInfo> get(String id);

    /**
     * Stops a container (polite signal, grace period, then kill).
     *
     * @param id its id
     * @param grace how long to wait before killing
     * @throws DriverException if it is unknown or its driver is absent
     */
    void stop(String id, Duration grace) throws DriverException;

    /**
     * Removes a container and everything made for it.
     *
     * @param id its id
     * @throws DriverException if it is unknown or its driver is absent
     */
    void destroy(String id) throws DriverException;

    /**
     * Waits for a container to exit.
     *
     * @param id its id
     * @param timeout the longest to wait
     * @return its exit status, or empty if it still runs
     * @throws DriverException if it is unknown or its driver is absent
     * @throws InterruptedException if interrupted
     */
    Optional<ExitStatus> waitFor(String id, Duration timeout) throws DriverException, InterruptedException;

    /**
     * Reads a container's output.
     *
     * @param id its id
     * @param fromOffset where to start
     * @param maxBytes the most bytes to return
     * @return the output and the offset to read from next
     * @throws DriverException if it is unknown or its driver is absent
     */
    LogChunk logs(String id, long fromOffset, int maxBytes) throws DriverException;

    /**
     * Runs a command in a running container.
     *
     * @param id its id
     * @param command the program and its arguments
     * @param timeout the longest it may run
     * @return its exit code and output
     * @throws DriverException if it is unknown, not running, or its driver is absent
     */
    ExecResult exec(String id, List<String> command, Duration timeout) throws DriverException;

    /**
     * Reads a container's resource usage.
     *
     * @param id its id
     * @return its usage
     * @throws DriverException if it is unknown, not running, or its driver is absent
     */
    ContainerStats stats(String id) throws DriverException;

    /**
     * Moves a stateless container to another driver: stops it, then starts it again from the
     * same spec on {@code driverType}.
     *
     * @param id its id
     * @param driverType the driver to move it to
     * @return the container on its new driver
     * @throws DriverException if either driver is absent or the new start fails
     */
    ContainerInfo migrate(String id, String driverType) throws DriverException;

    /**
     * Returns how long the drivers took to start containers, by driver type: from the manager's call of the
     * driver's start until it returned a running container (a start that failed is not in it). Bounds: 50 ms to
     * 60 s.
     *
     * @return a histogram snapshot per driver type that started a container since the node started
     */
    default java.util.Map<String, org.ringfellow.api.node.LatencyHistogram.Snapshot> startLatencies() {
        return java.util.Map.of();
    }
}
