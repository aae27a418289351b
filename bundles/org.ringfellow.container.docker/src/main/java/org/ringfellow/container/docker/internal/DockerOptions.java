package org.ringfellow.container.docker.internal;

import java.net.URI;
import java.time.Duration;

/**
 * The driver's settings, parsed once from configuration.
 *
 * @param endpoint the Engine API endpoint: {@code unix:///path/to/docker.sock} or {@code tcp://host:port}
 * @param apiVersion the Engine API version to speak; Debian's dockerd 20.10 speaks 1.41
 * @param user the user containers run as ({@code uid:gid}); empty for the image's default (root)
 * @param timeout the longest one Engine API call may take
 */
public record DockerOptions(URI endpoint, String apiVersion, String user, Duration timeout) {

    /** The socket dockerd listens on unless told otherwise. */
    public static final String DEFAULT_ENDPOINT = "unix:///var/run/docker.sock";

    /** Validates the endpoint. */
    public DockerOptions {
        String scheme = endpoint.getScheme();
        if (!"unix".equals(scheme) && !"tcp".equals(scheme)) {
            throw new IllegalArgumentException("docker endpoint must be unix:///path or tcp://host:port, got "
                    + endpoint);
        }
    }

    /**
     * Defaults for an endpoint: API 1.41, user nobody (65534:65534), 60 s per call.
     *
     * @param endpoint the endpoint; empty for {@code DOCKER_HOST} or {@value #DEFAULT_ENDPOINT}
     * @return the options
     */
    public static DockerOptions defaults(String endpoint) {
        return new DockerOptions(endpoint(endpoint), "1.41", "65534:65534", Duration.ofSeconds(60));
    }

    /**
     * The endpoint to use: the configured one, else {@code DOCKER_HOST}, else the default socket.
     *
     * @param configured the configured endpoint, possibly empty
     * @return the endpoint
     */
    static URI endpoint(String configured) {
        String e = configured == null ? "" : configured.trim();
        if (e.isEmpty()) {
            e = System.getenv().getOrDefault("DOCKER_HOST", "").trim();
        }
        return URI.create(e.isEmpty() ? DEFAULT_ENDPOINT : e);
    }

    /**
     * Tells whether containers run as a user other than root: a configured user whose uid is
     * not 0 (dockerd runs them without a user namespace, so uid 0 would be the host's root).
     *
     * @return true for a non-root user
     */
    boolean nonRootUser() {
        String uid = user.split(":", 2)[0].trim();
        return !uid.isEmpty() && !uid.equals("0") && !uid.equals("root");
    }

    /**
     * Tells whether dockerd runs on this host, so its container pids and cgroups are ours to read.
     *
     * @return true for a unix socket
     */
    boolean local() {
        return "unix".equals(endpoint.getScheme());
    }
}
