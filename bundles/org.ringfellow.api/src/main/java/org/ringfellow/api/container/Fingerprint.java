package org.ringfellow.api.container;

import java.util.Map;

/**
 * What a driver found out about its engine on this node.
 *
 * @param health whether the driver can start containers now
 * @param version the engine's version, or an empty string if unknown
 * @param reason why the driver is not healthy, or an empty string if it is
 * @param attributes other facts (cgroup mode, API version, socket path, ...)
 */
public record Fingerprint(Health health, String version, String reason, Map<String, String> attributes) {

    /** Makes the attributes immutable. */
    public Fingerprint {
        attributes = Map.copyOf(attributes);
    }

    /**
     * Tells whether the driver can start containers now.
     *
     * @return true if {@link #health()} is {@link Health#HEALTHY}
     */
    public boolean healthy() {
        return health == Health.HEALTHY;
    }
}
