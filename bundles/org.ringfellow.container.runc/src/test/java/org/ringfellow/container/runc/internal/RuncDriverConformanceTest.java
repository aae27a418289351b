package org.ringfellow.container.runc.internal;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.tck.ContainerDriverConformance;
import org.ringfellow.container.tck.Engines;
import org.ringfellow.container.tck.InMemoryNode;

/** The runc driver against real runc: the whole test kit (its isolation group checks the seccomp profile). */
class RuncDriverConformanceTest extends ContainerDriverConformance {

    @TempDir
    static Path dir;
    private static FileImageStore images;
    private static String nodeId;

    @BeforeAll
    static void engine() {
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        nodeId = InMemoryNode.randomId();
        RuncDriver probe = RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
        Engines.require("runc", probe.fingerprint());
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        Engines.assertNothingLeft(dir.resolve("runc").resolve("containers"), "ringfellow", nodeId);
    }

    @Override
    protected ContainerDriver newDriver() {
        return RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
    }

    @Override
    protected ImageStore imageStore() {
        return images;
    }

    @Override
    protected String ownerNodeId() {
        return nodeId;
    }
}
