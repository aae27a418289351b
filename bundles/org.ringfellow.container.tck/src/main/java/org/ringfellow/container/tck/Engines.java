package org.ringfellow.container.tck;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.Fingerprint;

/**
 * Whether a driver's tests may skip when its engine is missing: a developer's machine without
 * the engine skips them, CI sets {@code -Dringfellow.engines.required=true} and they fail instead.
 */
public final class Engines {

    /** The system property that makes a missing engine a failure. */
    public static final String REQUIRED = "ringfellow.engines.required";

    private Engines() {
    }

    /**
     * Skips the calling tests if the engine is not usable, or fails them if engines are required.
     *
     * @param engine the engine's name, for the message
     * @param f the driver's fingerprint
     */
    public static void require(String engine, Fingerprint f) {
        if (f.healthy()) {
            return;
        }
        String why = engine + " is not usable here (" + f.health() + "): " + f.reason();
        if (Boolean.getBoolean(REQUIRED)) {
            fail(why + "; the engines are required (-D" + REQUIRED + "=true)");
        }
        // surefire shows a class-level skip as "Tests run: 0" without its reason: say it
        System.err.println("[ringfellow] SKIPPED: " + why + " (set -D" + REQUIRED + "=true to fail instead)");
        assumeTrue(false, why + "; skipped (set -D" + REQUIRED + "=true to fail instead)");
    }

    /**
     * Destroys every container a node owns on a driver, as a test's clean-up does whatever the
     * test left, and says what is still there.
     *
     * @param driver the driver
     * @param nodeId the owning node's id
     * @return the containers the driver still lists as the node's (empty when clean)
     * @throws DriverException if the driver cannot list or destroy them
     */
    public static List<String> destroyOwned(ContainerDriver driver, String nodeId) throws DriverException {
        for (String id : driver.listOwned(nodeId)) {
            driver.destroy(new ContainerHandle(id, driver.type(), Instant.now(), Map.of()));
        }
        return driver.listOwned(nodeId);
    }

    /**
     * Fails if a command-line driver left anything of a node's containers: a file in its
     * containers directory, or the node's cgroup under any controller.
     *
     * @param containers the driver's directory of container directories
     * @param cgroupRoot the driver's cgroup below each controller ({@code ringfellow} for runc)
     * @param nodeId the node's id; its first 12 characters name the node's cgroup
     * @throws IOException if the directories cannot be listed
     */
    public static void assertNothingLeft(Path containers, String cgroupRoot, String nodeId) throws IOException {
        try (var s = Files.list(containers)) {
            if (s.findAny().isPresent()) {
                throw new AssertionError("containers left behind in " + containers);
            }
        }
        try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : (Iterable<Path>) controllers::iterator) {
                Path left = c.resolve(cgroupRoot).resolve(nodeId.substring(0, 12));
                if (Files.exists(left)) {
                    throw new AssertionError("cgroup left behind: " + left);
                }
            }
        }
    }
}
