package org.ringfellow.api.fellowship;

/**
 * Receives fellowship events. Called on the fellowship service's thread; must return quickly
 * (hand long work to a thread of your own). An exception thrown by a listener is logged and
 * does not stop the delivery to the others.
 *
 * <p>Two ways to listen:
 * <ul>
 * <li>{@link Fellowship#subscribe} hears the events of one fellowship from the moment it
 * subscribes.</li>
 * <li><b>Whiteboard.</b> Register a service of this type (any number of them, coming and going at
 * any time) and the fellowship service delivers to it every event of every fellowship this node
 * belongs to, whether it founded the fellowship or was invited into it:
 * <ul>
 * <li>{@link FellowshipEvent.Type#MEMBER_JOINED} whose member is this node when this node
 * founds a fellowship (at once, while it is still recruiting) or is admitted into one (its
 * roster then lists the members already there, who get no event of their own);</li>
 * <li>{@code MEMBER_JOINED} and {@code MEMBER_LEFT} for the other members,
 * {@code COORDINATOR_CHANGED}, {@code MESSAGE} (requests included; replies complete the
 * request's future instead);</li>
 * <li>at the end, {@code DISSOLVED} whose member is this node (the fellowship was dissolved or
 * its founding failed) or {@code MEMBER_LEFT} whose member is this node (it left, or was
 * removed).</li>
 * </ul>
 * A listener registered while this node already belongs to fellowships first hears, for each of
 * them, one {@code MEMBER_JOINED} whose member is this node, with the current roster, then
 * every later event: it never has to ask {@link FellowshipService#list()} to catch up. After its
 * service is unregistered it hears nothing more.</li>
 * </ul>
 * Events of one fellowship arrive in order, and messages from one sender in the order it sent
 * them.
 */
@FunctionalInterface
public interface FellowshipListener {

    /**
     * Called for each event.
     *
     * @param event the event
     */
    void onEvent(FellowshipEvent event);
}
