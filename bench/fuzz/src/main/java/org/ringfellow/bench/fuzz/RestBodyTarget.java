package org.ringfellow.bench.fuzz;

import org.ringfellow.rest.internal.RestBodyProbe;

/**
 * The bodies the HTTP API reads ({@code POST /api/v1/apps} {@code {"artifact": ...}},
 * {@code POST /api/v1/apps/{name}/scale} {@code {"size": n}}, and a job file, JSON or YAML,
 * {@code POST /api/v1/jobs}, through the API's own router): refused with a 4xx that says why,
 * or passed on within the API's bounds.
 */
public final class RestBodyTarget {

    private RestBodyTarget() {
    }

    /**
     * One input.
     *
     * @param data a route selector byte (bit 1 clear: bit 0 picks deploy or scale; bit 1 set: a
     *     job file, bit 2 picks JSON or YAML), then the body
     */
    public static void fuzzerTestOneInput(byte[] data) {
        RestBodyProbe.post(data);
    }
}
