package org.ringfellow.api.ring;

/**
 * Whiteboard listener: register it as a service to hear about membership changes. It is
 * called on the Ring's own thread and must return quickly.
 */
@FunctionalInterface
public interface RingListener {

    /**
     * Called after the membership view changed.
     *
     * @param event the change
     */
    void ringChanged(RingEvent event);
}
