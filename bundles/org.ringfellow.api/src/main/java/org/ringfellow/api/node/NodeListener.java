package org.ringfellow.api.node;

/**
 * Whiteboard listener: register it as a service to hear when the node's name, resources or
 * labels change (the Ring refreshes the node's advert from it).
 */
@FunctionalInterface
public interface NodeListener {

    /**
     * Called after a new configuration has been accepted.
     *
     * @param info the node's information after the change
     */
    void nodeChanged(NodeInfo info);
}
