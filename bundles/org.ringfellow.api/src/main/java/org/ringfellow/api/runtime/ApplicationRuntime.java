package org.ringfellow.api.runtime;

import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.container.DriverException;

/**
 * The application runtime SPI: turns an app artifact into the container that runs it. A
 * runtime is a DS service with a {@value #TYPE_PROPERTY} property equal to {@link #type()},
 * found by the whiteboard like a driver, and shipped as the Karaf feature named by
 * {@link #featureFor(String)}. The container it describes has no network; app code reaches its
 * node only through the bridge (see {@link BridgeTransport}), speaking the event protocol.
 *
 * <p>A deployment that names a runtime type no service offers must fail before anything is
 * started, with a message that names the missing feature, for example
 * {@code "runtime 'bundle' is not installed on this node: feature:install ringfellow-runtime-bundle"}.
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
     * Checks, before any member is recruited, that this runtime can run the app as declared (for
     * example that its memory is enough for a JVM). The default accepts everything.
     *
     * @param app the app's descriptor
     * @throws DriverException with {@link DriverException.Kind#INVALID_SPEC} and a message for the
     *     app developer if it cannot
     */
    default void check(AppDescriptor app) throws DriverException {
    }

    /**
     * Prepares what the container needs (files under the work directory) and describes it.
     *
     * @param launch the app and where its pieces are
     * @return the container to start and the bridge transport its app uses
     * @throws DriverException with {@link DriverException.Kind#INVALID_SPEC} if the artifact
     *     cannot run on this runtime, or {@link DriverException.Kind#FAILED} if the node could not
     *     write the files
     */
    RuntimePlan prepare(RuntimeLaunch launch) throws DriverException;

    /**
     * Names the Karaf feature that provides a runtime type, for the message of a deployment
     * that asks for an absent runtime.
     *
     * @param type the runtime type
     * @return {@code ringfellow-runtime-<type>}
     */
    static String featureFor(String type) {
        return "ringfellow-runtime-" + type;
    }
}
