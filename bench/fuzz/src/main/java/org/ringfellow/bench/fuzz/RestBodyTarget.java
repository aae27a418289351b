package org.ringfellow.bench.fuzz;

import org.ringfellow.rest.internal.RestBodyProbe;

/**
 * The JSON bodies the HTTP API reads ({@code POST /api/v1/apps} {@code {"artifact": ...}} and
 * {@code POST /api/v1/apps/{name}/scale} {@code {"size": n}}, through the API's own router):
 * refused with a 4xx that says why, or passed on within the API's bounds.
 */
public final class RestBodyTarget {

    private RestBodyTarget() {
    }

    /**
     * One input.
     *
     * @param data a route selector byte (even: deploy, odd: scale), then the body
     */
    public static void fuzzerTestOneInput(byte[] data) {
        RestBodyProbe.post(data);
    }
}
