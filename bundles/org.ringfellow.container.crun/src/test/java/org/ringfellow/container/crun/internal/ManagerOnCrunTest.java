package org.ringfellow.container.crun.internal;

import java.nio.file.Path;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.host.oci.OciRuntimeOptions;
import org.ringfellow.container.internal.LocalManagerOnDriverConformance;

/**
 * The manager with the real crun driver: containers outlive their driver and the JVM that
 * started them, and a restarted node reconciles with what crun holds.
 */
class ManagerOnCrunTest extends LocalManagerOnDriverConformance {

    @Override
    protected String type() {
        return CrunDriver.TYPE;
    }

    @Override
    protected ContainerDriver newDriver(Path dir, ImageStore images, String nodeId) {
        return CrunDriver.create(OciRuntimeOptions.defaults(Path.of(CrunDriver.TYPE), dir.resolve("crun")), images,
                nodeId);
    }
}
