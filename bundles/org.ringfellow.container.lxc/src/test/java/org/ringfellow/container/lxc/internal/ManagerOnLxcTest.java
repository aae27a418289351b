package org.ringfellow.container.lxc.internal;

import java.nio.file.Path;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.internal.LocalManagerOnDriverConformance;

/**
 * The manager with the real LXC driver: containers outlive their driver and the JVM that
 * started them (the driver holds no pipe to them), and a restarted node reconciles with what
 * its lxcpath holds.
 */
class ManagerOnLxcTest extends LocalManagerOnDriverConformance {

    @Override
    protected String type() {
        return LxcDriver.TYPE;
    }

    @Override
    protected ContainerDriver newDriver(Path dir, ImageStore images, String nodeId) {
        return new LxcDriver(LxcOptions.defaults(dir.resolve("lxc")), images, nodeId);
    }
}
