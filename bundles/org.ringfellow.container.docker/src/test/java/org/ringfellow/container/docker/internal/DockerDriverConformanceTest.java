package org.ringfellow.container.docker.internal;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.tck.ContainerDriverConformance;
import org.ringfellow.container.tck.Engines;

/**
 * The Docker driver against a real dockerd, at {@code DOCKER_HOST} (scripts/lib/engines.sh
 * exports it) or the default socket: the whole test kit.
 */
class DockerDriverConformanceTest extends ContainerDriverConformance {

    @TempDir
    static Path dir;
    private static FileImageStore images;
    private static String nodeId;
    private static boolean usable;
    private static final List<DockerDriver> drivers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void engine() {
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        nodeId = HexFormat.of().formatHex(id);
        DockerDriver probe = driver();
        Engines.require("dockerd", probe.fingerprint());
        usable = true;
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        try {
            if (!usable) {
                return;
            }
            DockerDriver d = driver();
            List<String> left = d.listOwned(nodeId);
            d.removeImage(images.base().digest());
            if (!left.isEmpty()) {
                throw new AssertionError("containers left behind in dockerd: " + left);
            }
        } finally {
            drivers.forEach(DockerDriver::close);
        }
    }

    private static DockerDriver driver() {
        DockerDriver d = new DockerDriver(DockerOptions.defaults(""), images, nodeId);
        drivers.add(d);
        return d;
    }

    @Override
    protected ContainerDriver newDriver() {
        return driver();
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
