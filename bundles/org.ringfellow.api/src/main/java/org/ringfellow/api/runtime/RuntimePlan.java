package org.ringfellow.api.runtime;

import java.util.Objects;
import org.ringfellow.api.container.ContainerSpec;

/**
 * What a runtime made of a {@link RuntimeLaunch}: the container to start and the bridge endpoint
 * the app inside it expects. The engine opens the node side of the bridge with this transport in
 * the launch's bridge directory <em>before</em> it starts the container, then delivers events.
 *
 * @param container the container to start
 * @param transport the kind of bridge endpoint the app connects to
 */
public record RuntimePlan(ContainerSpec container, BridgeTransport transport) {

    /** Rejects missing values. */
    public RuntimePlan {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(transport, "transport");
    }
}
