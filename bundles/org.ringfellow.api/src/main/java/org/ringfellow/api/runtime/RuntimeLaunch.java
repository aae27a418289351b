package org.ringfellow.api.runtime;

import java.nio.file.Path;
import java.util.Objects;
import org.ringfellow.api.app.AppDescriptor;

/**
 * What a runtime is given to start one member's part of an app. The caller (the deployment
 * engine) creates both directories, empty, before {@link ApplicationRuntime#prepare} and removes
 * them after the container is destroyed.
 *
 * @param app the app's descriptor
 * @param artifact the app's artifact on this node, verified against its digest
 * @param bridgeDirectory an empty host directory in which the node will open the bridge endpoint
 *     named by {@link RuntimePlan#transport()}; the runtime mounts it into the container. Its
 *     path plus {@code /}{@value BridgeTransport#SOCKET_FILE} must stay below 108 bytes (the
 *     kernel's limit for a unix socket path)
 * @param workDirectory a directory the runtime may use for this member's files
 * @param containerName the name the container must have
 */
public record RuntimeLaunch(AppDescriptor app, Path artifact, Path bridgeDirectory, Path workDirectory,
        String containerName) {

    /** Rejects missing values. */
    public RuntimeLaunch {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(bridgeDirectory, "bridgeDirectory");
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(containerName, "containerName");
    }
}
