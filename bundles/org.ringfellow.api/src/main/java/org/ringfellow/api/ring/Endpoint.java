package org.ringfellow.api.ring;

import java.util.Objects;

/**
 * A host and port where a member listens.
 *
 * @param host an IP address or host name
 * @param port a port from 1 to 65535
 */
public record Endpoint(String host, int port) {

    /**
     * Validates the endpoint.
     *
     * @throws IllegalArgumentException if the host is blank or the port out of range
     */
    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.length() > 255) {
            throw new IllegalArgumentException("an endpoint needs a host name of 1 to 255 characters");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    /**
     * Parses {@code host:port} (or {@code [v6-address]:port}).
     *
     * @param text the text to parse
     * @return the endpoint
     * @throws IllegalArgumentException if the text is not {@code host:port}
     */
    public static Endpoint parse(String text) {
        String t = Objects.requireNonNull(text, "text").trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + t + "'");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new Endpoint(host, Integer.parseInt(t.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a numeric port in '" + t + "'", e);
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6-address]:port}, or a host alone, which then gets
     * {@code defaultPort}. An unbracketed IPv6 address is read as {@code host:port} at its last colon,
     * as {@link #parse(String)} does; bracket it to give it without a port.
     *
     * @param text the text to parse
     * @param defaultPort the port of a host given without one
     * @return the endpoint
     * @throws IllegalArgumentException if the text is not a host with an optional port
     */
    public static Endpoint parse(String text, int defaultPort) {
        String t = Objects.requireNonNull(text, "text").trim();
        if (t.indexOf(':') < 0) {
            return new Endpoint(t, defaultPort);
        }
        if (t.startsWith("[") && t.endsWith("]")) {
            return new Endpoint(t.substring(1, t.length() - 1), defaultPort);
        }
        return parse(t);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
