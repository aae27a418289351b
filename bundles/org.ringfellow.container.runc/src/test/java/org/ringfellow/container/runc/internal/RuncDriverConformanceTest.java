package org.ringfellow.container.runc.internal;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.container.internal.image.FileImageStore;
import org.ringfellow.container.tck.ContainerDriverConformance;
import org.ringfellow.container.tck.Engines;
import org.ringfellow.container.tck.InMemoryNode;

/** The runc driver against real runc: the whole test kit. */
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
