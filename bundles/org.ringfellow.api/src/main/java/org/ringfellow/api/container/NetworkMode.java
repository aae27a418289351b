package org.ringfellow.api.container;

/** How a container reaches the network. */
public enum NetworkMode {
    /** Only a loopback interface: the default, so contributed work cannot reach the host's network. */
    NONE,
    /** A private network with outbound access, where the driver has the {@link Capability#NETWORK} capability. */
    PRIVATE
}
