package org.ringfellow.container.runc.internal;

import java.nio.file.Path;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.container.image.FileImageStore;

/** Prints the runc driver's fingerprint, for a test that runs it in another process's namespaces. */
public final class FingerprintMain {

    private FingerprintMain() {
    }

    /**
     * Prints {@code <health>: <reason>}.
     *
     * @param args the state directory
     */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        RuncDriver d = RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")),
                new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox")), "ab".repeat(32));
        Fingerprint f = d.fingerprint();
        System.out.println(f.health() + ": " + f.reason());
    }
}
