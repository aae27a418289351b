package org.ringfellow.api.fellowship;

/** Receives a fellowship's events. Called on the fellowship's thread; must return quickly. */
@FunctionalInterface
public interface FellowshipListener {

    /**
     * Called for each event, in order per sender.
     *
     * @param event the event
     */
    void onEvent(FellowshipEvent event);
}
