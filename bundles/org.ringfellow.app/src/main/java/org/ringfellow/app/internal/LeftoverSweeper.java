package org.ringfellow.app.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.node.NodeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes containers of parts this node no longer runs (left over by a restart, or that could
 * not be removed when their part stopped). The list is in the node store (container id to app
 * name), so it outlives another restart; a container whose driver is absent ({@code DETACHED})
 * stays on it and is retried on every {@link #sweep} until its driver is back.
 */
final class LeftoverSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverSweeper.class);

    private final NodeStore.Namespace leftovers;
    private final ContainerManager containers;

    LeftoverSweeper(NodeStore.Namespace leftovers, ContainerManager containers) {
        this.leftovers = leftovers;
        this.containers = containers;
    }

    /** Notes a container to remove as soon as its driver can. */
    void removeLater(String containerId, String app) {
        leftovers.put(containerId, app);
    }

    /** The containers still to remove, by id, with their app. */
    Map<String, String> pending() {
        return leftovers.entries();
    }

    /** One round: every listed container that is gone is forgotten, every one whose driver is present removed. */
    void sweep() {
        for (Map.Entry<String, String> e : leftovers.entries().entrySet()) {
            String id = e.getKey();
            try {
                Optional<ContainerInfo> c = containers.get(id);
                if (c.isEmpty() || c.get().state() == ContainerState.GONE) {
                    leftovers.remove(id);
                } else if (c.get().state() != ContainerState.DETACHED) {
                    containers.stop(id, Duration.ofSeconds(2));
                    containers.destroy(id);
                    leftovers.remove(id);
                    LOG.info("Removed container {} of app {}, left from before a restart", id, e.getValue());
                }
            } catch (Exception x) {
                LOG.debug("Container {} of app {} not removed yet: {}", id, e.getValue(), x.getMessage());
            }
        }
    }
}
