package org.ringfellow.container.runc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.container.host.CgroupsV1;
import org.ringfellow.container.image.FileImageStore;

/** A node without runc: the driver still comes up, says why it cannot work, and never blocks. */
class RuncDriverWithoutEngineTest {

    @TempDir
    Path dir;

    @Test
    void givenNoRuncBinary_thenUndetectedWithAnInstallHint_andStartsFailCleanly() throws Exception {
        FileImageStore images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        RuncOptions options = new RuncOptions(Path.of("/nonexistent/runc"), Path.of("/usr/bin/tini-static"), 100000,
                dir.resolve("state"), 5_000);
        RuncDriver driver = RuncDriver.create(options, images, "ab".repeat(32));
        Fingerprint f = driver.fingerprint();
        assertEquals(Health.UNDETECTED, f.health());
        assertTrue(f.reason().contains("apt-get install runc"), f.reason());
        ContainerSpec spec = ContainerSpec.builder("x", images.base().digest(), List.of("true")).build();
        assertThrows(DriverException.class, () -> driver.start(spec));
        assertEquals(List.of(), driver.listOwned("ab".repeat(32)));
    }

    /** A v1 host's mountinfo, and that of a process under ip netns exec (a fresh sysfs, no cgroup mount). */
    private static final List<String> HOST = List.of(
            "22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
            "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
            "33 30 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,memory",
            "34 30 0:31 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
            "35 30 0:32 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate");
    private static final List<String> IP_NETNS_EXEC = List.of(
            "22 1 0:21 / / rw,relatime - overlay overlay rw",
            "40 22 0:40 / /sys rw,relatime - sysfs rfdemo-h1 rw");

    @Test
    void cgroupControllersAreReadFromMountinfo() {
        assertEquals(List.of("cpu", "cpuacct", "memory", "pids"), CgroupsV1.mountedControllers(HOST));
        assertEquals(List.of(), CgroupsV1.mountedControllers(IP_NETNS_EXEC), "no cgroup mount under ip netns exec");
        assertEquals(List.of("cpu", "cpuacct"), CgroupsV1.mountedControllers(List.of(
                "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
                "36 30 0:33 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw")).stream()
                .filter(CgroupsV1.NEEDED::contains).toList());
    }

    /**
     * A node started under {@code ip netns exec} sees a fresh sysfs without the cgroup mounts:
     * the fingerprint must say so instead of HEALTHY and every start failing in runc.
     */
    @Test
    void underIpNetnsExec_thenUnhealthyForItsCgroups() throws Exception {
        boolean ip = java.nio.file.Files.isExecutable(Path.of("/usr/bin/ip"))
                || java.nio.file.Files.isExecutable(Path.of("/usr/sbin/ip")) || java.nio.file.Files.isExecutable(
                        Path.of("/sbin/ip"));
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && ip
                && java.nio.file.Files.isExecutable(Path.of("/usr/sbin/runc")), "needs root, runc and ip");
        String ns = "rfrunc-" + ProcessHandle.current().pid();
        run(List.of("ip", "netns", "add", ns));
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String out = run(List.of("ip", "netns", "exec", ns, java, "-cp", System.getProperty("java.class.path"),
                    FingerprintMain.class.getName(), dir.toString()));
            assertTrue(out.startsWith("UNHEALTHY: cgroup controllers not mounted"), out);
        } finally {
            run(List.of("ip", "netns", "del", ns));
        }
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "hung: " + command);
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }
}
