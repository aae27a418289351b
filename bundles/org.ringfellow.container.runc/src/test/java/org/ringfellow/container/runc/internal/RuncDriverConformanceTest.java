package org.ringfellow.container.runc.internal;

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

/** The runc driver against real runc: the whole test kit. */
class RuncDriverConformanceTest extends ContainerDriverConformance {

    @TempDir
    static Path dir;
    private static FileImageStore images;
    private static String nodeId;

    @BeforeAll
    static void engine() {
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        nodeId = HexFormat.of().formatHex(id);
        RuncDriver probe = RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
        Engines.require("runc", probe.fingerprint());
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        try (var s = Files.list(dir.resolve("runc").resolve("containers"))) {
            if (s.findAny().isPresent()) {
                throw new AssertionError("containers left behind in " + dir);
            }
        }
        try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : (Iterable<Path>) controllers::iterator) {
                Path left = c.resolve("ringfellow").resolve(nodeId.substring(0, 12));
                if (Files.exists(left)) {
                    throw new AssertionError("cgroup left behind: " + left);
                }
            }
        }
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

    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.DisplayName("runc: a container cannot make namespaces of its own (seccomp), yet it forks and threads")
    void noNestedNamespaces() throws Exception {
        org.ringfellow.api.container.ContainerHandle h = start(spec("sh", "-c",
                "unshare -U true; echo user=$?; unshare -n true; echo net=$?; (true) && echo fork=$?").build());
        org.junit.jupiter.api.Assertions.assertEquals(0,
                driver.waitFor(h, PATIENCE).orElseThrow().exitCode());
        StringBuilder out = new StringBuilder();
        out.append(driver.logs(h, 0, 4096).text());
        String text = out.toString();
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("user=1") && text.contains("net=1")
                && text.contains("fork=0"), text);
    }
}
