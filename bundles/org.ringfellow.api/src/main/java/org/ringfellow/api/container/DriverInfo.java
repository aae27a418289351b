package org.ringfellow.api.container;

import java.util.Set;

/**
 * A driver as the container manager sees it, for {@code driver:list}.
 *
 * @param type the driver's type
 * @param fingerprint its latest fingerprint
 * @param capabilities what it can do
 * @param isDefault whether new containers go to it
 */
public record DriverInfo(String type, Fingerprint fingerprint, Set<Capability> capabilities, boolean isDefault) {

    /** Makes the capabilities immutable. */
    public DriverInfo {
        capabilities = Set.copyOf(capabilities);
    }
}
