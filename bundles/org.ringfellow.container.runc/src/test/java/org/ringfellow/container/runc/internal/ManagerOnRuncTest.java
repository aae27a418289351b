package org.ringfellow.container.runc.internal;

import java.nio.file.Path;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.internal.LocalManagerOnDriverConformance;

/**
 * The manager with the real runc driver: containers outlive their driver and the JVM that
 * started them, and a restarted node reconciles with what runc holds.
 */
class ManagerOnRuncTest extends LocalManagerOnDriverConformance {

    @Override
    protected String type() {
        return RuncDriver.TYPE;
    }

    @Override
    protected ContainerDriver newDriver(Path dir, ImageStore images, String nodeId) {
        return RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
    }
}
