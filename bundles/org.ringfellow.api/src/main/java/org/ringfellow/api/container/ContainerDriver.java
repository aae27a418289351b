package org.ringfellow.api.container;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The container driver SPI. A driver is a DS service with a {@value #TYPE_PROPERTY} service
 * property equal to {@link #type()}; the container manager finds it through the whiteboard
 * and may lose it at any time (bundle stopped, updated, uninstalled).
 *
 * <p>The lifecycle follows the OCI runtime one: {@link #start} creates and starts the
 * container, {@link #waitFor} learns how it ended, {@link #stop} ends it politely then by
 * force, {@link #destroy} removes every trace. A container must outlive the driver instance
 * that started it: stopping the driver's bundle never stops a container, and a new instance
 * of the driver reattaches with {@link #recover} from the persisted {@link ContainerHandle}.
 *
 * <p>Every method may block on the engine and must be safe to call from several threads.
 * Errors are reported as {@link DriverException}s whose message an operator understands.
 */
public interface ContainerDriver {

    /** The service property that names a driver's type. */
    String TYPE_PROPERTY = "ringfellow.driver.type";

    /** The label every container carries with the id of the node that owns it. */
    String OWNER_LABEL = "org.ringfellow.node";

    /**
     * Returns the driver's type, such as {@code runc}, {@code lxc} or {@code docker}.
     *
     * @return a short lower-case name, unique among drivers
     */
    String type();

    /**
     * Returns what this driver can do.
     *
     * @return the capabilities it supports and the test kit checks
     */
    Set<Capability> capabilities();

    /**
     * Probes the engine: present, version, able to start containers now. Must be quick and
     * never throw; an absent engine is {@link Health#UNDETECTED} with a reason.
     *
     * @return what the driver found
     */
    Fingerprint fingerprint();

    /**
     * Creates and starts a container. On failure nothing is left behind.
     *
     * @param spec what to run
     * @return the handle to find it again
     * @throws DriverException if the spec is invalid, the engine is missing, or the start failed
     */
    ContainerHandle start(ContainerSpec spec) throws DriverException;

    /**
     * Waits for a container's main process to end.
     *
     * @param handle the container
     * @param timeout the longest to wait
     * @return its exit status, or empty if it still runs after the timeout
     * @throws DriverException if the container is unknown
     * @throws InterruptedException if the calling thread was interrupted
     */
    Optional<ExitStatus> waitFor(ContainerHandle handle, Duration timeout) throws DriverException, InterruptedException;

    /**
     * Stops a container: sends SIGTERM, waits up to {@code grace}, then kills it. Returns once
     * its process is gone. Stopping an exited container does nothing.
     *
     * @param handle the container
     * @param grace how long to wait before killing
     * @throws DriverException if the container is unknown or the engine failed
     */
    void stop(ContainerHandle handle, Duration grace) throws DriverException;

    /**
     * Removes a container and every file the driver made for it, killing it first if it
     * runs. Destroying a container that is already gone does nothing.
     *
     * @param handle the container
     * @throws DriverException if the engine failed to remove it
     */
    void destroy(ContainerHandle handle) throws DriverException;

    /**
     * Tells the state of a container.
     *
     * @param handle the container
     * @return its status; {@link ContainerState#GONE} if the engine no longer knows it
     * @throws DriverException if the engine failed
     */
    ContainerStatus inspect(ContainerHandle handle) throws DriverException;

    /**
     * Reads a running container's resource usage.
     *
     * @param handle the container
     * @return its usage now
     * @throws DriverException if the container does not run or the driver lacks {@link Capability#STATS}
     */
    ContainerStats stats(ContainerHandle handle) throws DriverException;

    /**
     * Runs a command inside a running container with the container's limits and isolation.
     *
     * @param handle the container
     * @param command the program and its arguments
     * @param timeout the longest it may run before it is killed
     * @return its exit code and output
     * @throws DriverException if the container does not run or the driver lacks {@link Capability#EXEC}
     */
    ExecResult exec(ContainerHandle handle, List<String> command, Duration timeout) throws DriverException;

    /**
     * Reads a container's combined standard output and error from an offset.
     *
     * @param handle the container
     * @param fromOffset where to start; 0 for the beginning
     * @param maxBytes the most bytes to return, 1 to 1 MiB
     * @return the output and the offset to read from next
     * @throws DriverException if the container is unknown
     */
    LogChunk logs(ContainerHandle handle, long fromOffset, int maxBytes) throws DriverException;

    /**
     * Reattaches to a container started earlier, possibly by another instance of this driver.
     * A container that still runs keeps running.
     *
     * @param handle the persisted handle
     * @return a handle valid for this instance (it may carry refreshed driver state)
     * @throws DriverException with {@link DriverException.Kind#NOT_FOUND} if the container is gone
     */
    ContainerHandle recover(ContainerHandle handle) throws DriverException;

    /**
     * Lists the ids of the containers this driver's engine holds for a node, so a restarted
     * node can reconcile: adopt what it knows and remove orphans.
     *
     * @param ownerNodeId the hex id of the node whose containers to list
     * @return the container ids (spec names) found
     * @throws DriverException if the engine failed
     */
    List<String> listOwned(String ownerNodeId) throws DriverException;
}
