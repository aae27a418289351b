package org.ringfellow.container.crun.internal;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.host.oci.OciRuntimeOptions;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.tck.ContainerDriverConformance;
import org.ringfellow.container.tck.Engines;
import org.ringfellow.container.tck.InMemoryNode;

/** The driver against its real runtime: the whole test kit. */
class CrunDriverConformanceTest extends ContainerDriverConformance {

    @TempDir
    static Path dir;
    private static FileImageStore images;
    private static String nodeId;

    @BeforeAll
    static void engine() {
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        nodeId = InMemoryNode.randomId();
        Engines.require(CrunDriver.TYPE, newDriver(nodeId).fingerprint());
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        Engines.assertNothingLeft(dir.resolve("state").resolve("containers"), "ringfellow-" + CrunDriver.TYPE, nodeId);
    }

    private static CrunDriver newDriver(String node) {
        return CrunDriver.create(OciRuntimeOptions.defaults(Path.of(CrunDriver.TYPE), dir.resolve("state")), images,
                node);
    }

    @Override
    protected ContainerDriver newDriver() {
        return newDriver(nodeId);
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
