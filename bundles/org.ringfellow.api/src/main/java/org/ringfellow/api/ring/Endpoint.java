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

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
