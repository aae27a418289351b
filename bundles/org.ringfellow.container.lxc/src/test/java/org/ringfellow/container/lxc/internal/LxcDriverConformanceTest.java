package org.ringfellow.container.lxc.internal;

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

/** The LXC driver against the real lxc tools: the whole test kit. */
class LxcDriverConformanceTest extends ContainerDriverConformance {

    @TempDir
    static Path dir;
    private static FileImageStore images;
    private static String nodeId;
    private static boolean usable;

    @BeforeAll
    static void engine() {
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        nodeId = InMemoryNode.randomId();
        Engines.require("LXC", new LxcDriver(LxcOptions.defaults(dir.resolve("lxc")), images, nodeId).fingerprint());
        usable = true;
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        if (!usable) {
            return;
        }
        Engines.assertNothingLeft(dir.resolve("lxc").resolve("containers"), "ringfellow-lxc", nodeId);
    }

    @Override
    protected ContainerDriver newDriver() {
        return new LxcDriver(LxcOptions.defaults(dir.resolve("lxc")), images, nodeId);
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
