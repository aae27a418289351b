package org.ringfellow.container.lxc.internal;

import java.nio.file.Path;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.internal.image.FileImageStore;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.container.tck.ManagerOnDriverConformance;

/**
 * The manager with the real LXC driver: containers outlive their driver and the JVM that
 * started them (the driver holds no pipe to them), and a restarted node reconciles with what
 * its lxcpath holds.
 */
class ManagerOnLxcTest extends ManagerOnDriverConformance {

    @Override
    protected String type() {
        return LxcDriver.TYPE;
    }

    @Override
    protected ContainerDriver newDriver(Path dir, ImageStore images, String nodeId) {
        return new LxcDriver(LxcOptions.defaults(dir.resolve("lxc")), images, nodeId);
    }

    @Override
    protected ImageStore newImageStore(Path dir) {
        return new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
    }

    @Override
    protected Manager newManager(InMemoryNode node, NodeStore store, ImageStore images) {
        ContainerManagerImpl m = ContainerManagerImpl.create(node, store, images, "");
        return new Manager(m, m::bindDriver, m::unbindDriver);
    }

    @Override
    protected void release(ContainerDriver driver) {
        ((LxcDriver) driver).close();
    }
}
