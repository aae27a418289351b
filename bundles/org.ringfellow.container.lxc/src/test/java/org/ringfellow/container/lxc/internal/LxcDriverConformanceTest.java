package org.ringfellow.container.lxc.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.internal.image.FileImageStore;
import org.ringfellow.container.tck.ContainerDriverConformance;
import org.ringfellow.container.tck.Engines;

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
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        nodeId = HexFormat.of().formatHex(id);
        Engines.require("LXC", new LxcDriver(LxcOptions.defaults(dir.resolve("lxc")), images, nodeId).fingerprint());
        usable = true;
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        if (!usable) {
            return;
        }
        try (var s = Files.list(dir.resolve("lxc").resolve("containers"))) {
            if (s.findAny().isPresent()) {
                throw new AssertionError("containers left behind in " + dir);
            }
        }
        try (var s = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path controller : (Iterable<Path>) s::iterator) {
                Path cgroups = controller.resolve("ringfellow-lxc").resolve(nodeId.substring(0, 12));
                if (Files.exists(cgroups)) {
                    throw new AssertionError("cgroups left behind: " + cgroups);
                }
            }
        }
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
