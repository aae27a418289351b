package org.ringfellow.api.node;

/**
 * Whiteboard listener: register it as a service to hear when the node's name, resources,
 * labels or reservations change (the Ring refreshes the node's advert from it).
 */
@FunctionalInterface
public interface NodeListener {

    /**
     * Called after a new configuration has been accepted, and after a reservation was made or
     * released (on the thread that made it: return quickly).
     *
     * @param info the node's information after the change
     */
    void nodeChanged(NodeInfo info);
}
