package org.ringfellow.container.internal;

import java.nio.file.Path;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.container.tck.ManagerOnDriverConformance;

/**
 * The kit's manager tests on this bundle's manager and image store (busybox base image): a
 * driver's test extends it and says only which driver it tests. Shipped in this module's test jar.
 */
public abstract class LocalManagerOnDriverConformance extends ManagerOnDriverConformance {

    @Override
    protected ImageStore newImageStore(Path dir) {
        return new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
    }

    @Override
    protected Manager newManager(InMemoryNode node, NodeStore store, ImageStore images) {
        ContainerManagerImpl m = ContainerManagerImpl.create(node, store, images, "");
        return new Manager(m, m::bindDriver, m::unbindDriver);
    }
}
