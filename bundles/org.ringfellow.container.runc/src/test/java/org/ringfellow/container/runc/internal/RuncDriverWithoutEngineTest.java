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
}
