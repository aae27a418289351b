package org.ringfellow.ingress.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** One HTTP request as the ingress reads it: what the servlet container gives, and nothing of its types. */
interface Exchange {

    /** The method, such as {@code GET}. */
    String method();

    /** The request URI's path as sent, still percent-encoded, such as {@code /apps/calculator/api/eval}. */
    String rawPath();

    /** The raw query string, or an empty string. */
    String query();

    /** The header lines in order, names as sent. */
    List<Map.Entry<String, String>> headers();

    /** The declared body length, or -1 if the client did not declare one (chunked). */
    long contentLength();

    /**
     * The body.
     *
     * @return the body's stream
     * @throws IOException if it cannot be read
     */
    InputStream body() throws IOException;
}
