package org.ringfellow.container.tck;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
}
