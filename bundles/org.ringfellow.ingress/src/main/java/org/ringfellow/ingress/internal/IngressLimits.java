package org.ringfellow.ingress.internal;

/**
 * How much of a request the ingress accepts before it refuses it.
 *
 * @param maxBodyBytes the largest request body (413 above)
 * @param maxHeaders the most header lines (431 above)
 * @param maxHeaderBytes the most bytes in all header names and values together (431 above)
 * @param maxPathChars the longest path, {@code /apps/<name>/...} included (414 above)
 * @param maxQueryChars the longest query string (414 above)
 */
record IngressLimits(int maxBodyBytes, int maxHeaders, int maxHeaderBytes, int maxPathChars, int maxQueryChars) {

    /** 1 MiB of body, 100 header lines in 16 KiB, a 2,048-character path and an 8,192-character query. */
    static final IngressLimits DEFAULTS = new IngressLimits(1 << 20, 100, 16 << 10, 2048, 8192);
}
