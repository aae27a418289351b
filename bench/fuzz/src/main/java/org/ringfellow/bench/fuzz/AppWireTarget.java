package org.ringfellow.bench.fuzz;

import org.ringfellow.app.internal.AppWireProbe;

/**
 * The app engine's member protocol ({@code Wire.decode} of the app engine: the JSON bodies of
 * {@code app.*} fellowship messages between an app's members, and the app record a new member
 * fetches): the first byte picks the body type. A decoded body must encode to bytes that decode
 * to a body encoding the same.
 */
public final class AppWireTarget {

    private AppWireTarget() {
    }

    /**
     * One input.
     *
     * @param data a selector byte, then a JSON body
     */
    public static void fuzzerTestOneInput(byte[] data) {
        AppWireProbe.decodeAndRoundTrip(data);
    }
}
