package org.ringfellow.api.runtime;

import java.nio.file.Path;
import org.ringfellow.api.app.AppDescriptor;

/**
 * What a runtime is given to start one member's part of an app.
 *
 * @param app the app's descriptor
 * @param artifact the app's artifact on this node, verified against its digest
 * @param bridgeSocket the unix socket through which the app's code talks to its node
 * @param workDirectory a directory the runtime may use for this member's files
 * @param containerName the name the container must have
 */
public record RuntimeLaunch(AppDescriptor app, Path artifact, Path bridgeSocket, Path workDirectory,
        String containerName) {
}
