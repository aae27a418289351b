package org.ringfellow.api.fellowship;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.ringfellow.api.node.NodeId;

/**
 * A fellowship this node belongs to. Messages from one sender arrive in the order it sent
 * them; messages are delivered at most once (a message in flight when a link breaks is lost).
 */
public interface Fellowship {

    /**
     * Returns its id.
     *
     * @return the id
     */
    FellowshipId id();

    /**
     * Returns the spec it was founded with.
     *
     * @return the spec
     */
    FellowshipSpec spec();

    /**
     * Returns the latest roster this node holds.
     *
     * @return the roster
     */
    Roster roster();

    /**
     * Tells whether this node coordinates the fellowship now.
     *
     * @return true if this node is the coordinator of the current epoch
     */
    boolean isCoordinator();

    /**
     * Sends a message to one member.
     *
     * @param to the member
     * @param topic what it is about
     * @param payload the body, at most {@value FellowshipService#MAX_PAYLOAD} bytes
     * @throws FellowshipException if the member is not in the roster, the topic or payload is too
     *     large, or the member does not keep up: each link queues a bounded number of bytes, and
     *     a send beyond that is refused (try again later) rather than queued without bound
     */
    void send(NodeId to, String topic, byte[] payload) throws FellowshipException;

    /**
     * Sends a message to every other member.
     *
     * @param topic what it is about
     * @param payload the body
     * @throws FellowshipException if the payload is too large, or naming the members it could not
     *     be queued for (the others got it)
     */
    void broadcast(String topic, byte[] payload) throws FellowshipException;

    /**
     * Sends a request and waits for its reply.
     *
     * @param to the member
     * @param topic what it is about
     * @param payload the body
     * @param timeout how long to wait for the reply
     * @return the reply; completes exceptionally with {@link FellowshipException} on timeout or
     *     if the member leaves
     */
    CompletionStage<FellowshipMessage> request(NodeId to, String topic, byte[] payload, Duration timeout);

    /**
     * Answers a request.
     *
     * @param request the request received
     * @param payload the reply's body
     * @throws FellowshipException if the requester is no longer a member
     */
    void reply(FellowshipMessage request, byte[] payload) throws FellowshipException;

    /**
     * Subscribes to events.
     *
     * @param listener the listener
     * @return closing it unsubscribes
     */
    AutoCloseable subscribe(FellowshipListener listener);

    /**
     * Leaves the fellowship cleanly, releasing this node's reservation. When it returns the node
     * has left; leaving a fellowship already left does nothing.
     *
     * @throws FellowshipException if the node could not carry the leave out (its fellowship
     *         engine is closed, or did not answer in time); the node may still be a member
     */
    void leave() throws FellowshipException;

    /**
     * Changes the fellowship's target size. Only the acting coordinator may. Growing recruits
     * new members as repair does; shrinking removes members from the end of the roster order
     * (never the coordinator), one roster change at a time; a removed member hears
     * {@link FellowshipEvent.Type#MEMBER_LEFT} naming itself and releases its reservation.
     * The size is the coordinator's: a successor keeps the size it was founded or last told
     * with, so a caller that needs the new size to outlive the coordinator tells the others
     * itself.
     *
     * @param targetSize the new size, 1 to {@value FellowshipSpec#MAX_SIZE}
     * @throws FellowshipException if this node is not the acting coordinator, the size is out of range,
     *         or the node could not carry the change out (its engine is closed, or did not answer in time)
     */
    void resize(int targetSize) throws FellowshipException;

    /**
     * Dissolves the fellowship: every member releases its reservation. Only the coordinator may.
     *
     * @throws FellowshipException if this node is not the coordinator, or could not carry the dissolve
     *         out (its engine is closed, or did not answer in time)
     */
    void dissolve() throws FellowshipException;
}
