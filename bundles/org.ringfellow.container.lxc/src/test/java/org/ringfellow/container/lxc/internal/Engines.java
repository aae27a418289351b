package org.ringfellow.container.lxc.internal;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.ringfellow.api.container.Fingerprint;

/** Whether the tests may skip when the engine is missing: CI sets ringfellow.engines.required=true. */
final class Engines {

    static final String REQUIRED = "ringfellow.engines.required";

    private Engines() {
    }

    /** Skips the calling tests if the engine is not usable, or fails them if engines are required. */
    static void require(String engine, Fingerprint f) {
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
}
