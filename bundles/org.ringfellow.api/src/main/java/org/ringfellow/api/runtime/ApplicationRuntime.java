package org.ringfellow.api.runtime;

import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.DriverException;

/**
 * The application runtime SPI: turns an app artifact into the container that runs it. A
 * runtime is a DS service with a {@value #TYPE_PROPERTY} property equal to {@link #type()},
 * found by the whiteboard like a driver. The container it describes has no network; app code
 * reaches its node only through the bridge socket, speaking the event protocol.
 */
public interface ApplicationRuntime {

    /** The service property that names a runtime's type. */
    String TYPE_PROPERTY = "ringfellow.runtime.type";

    /**
     * Returns the runtime's type, such as {@code bundle} or {@code command}.
     *
     * @return a short lower-case name
     */
    String type();

    /**
     * Prepares what the container needs (files under the work directory) and describes it.
     *
     * @param launch the app and where its pieces are
     * @return the container to start
     * @throws DriverException if the artifact cannot run on this runtime
     */
    ContainerSpec prepare(RuntimeLaunch launch) throws DriverException;
}
