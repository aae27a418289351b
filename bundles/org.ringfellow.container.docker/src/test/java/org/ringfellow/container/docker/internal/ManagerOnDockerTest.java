package org.ringfellow.container.docker.internal;

import java.nio.file.Path;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.internal.LocalManagerOnDriverConformance;

/**
 * The manager with the real Docker driver: containers outlive their driver and the JVM that
 * started them, and a restarted node reconciles with what dockerd holds (by owner label).
 */
class ManagerOnDockerTest extends LocalManagerOnDriverConformance {

    @Override
    protected String type() {
        return DockerDriver.TYPE;
    }

    @Override
    protected ContainerDriver newDriver(Path dir, ImageStore images, String nodeId) {
        return new DockerDriver(DockerOptions.defaults(""), images, nodeId);
    }

    @Override
    protected void release(ContainerDriver driver) throws Exception {
        DockerDriver d = (DockerDriver) driver;
        try {
            d.removeImage(base);
        } finally {
            d.close();
        }
    }
}
