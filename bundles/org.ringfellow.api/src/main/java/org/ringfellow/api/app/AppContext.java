package org.ringfellow.api.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What app code may do: learn its place in the fellowship, talk to other members, and log.
 * Nothing else of the node is visible to it.
 */
public interface AppContext {

    /**
     * Returns the app's name.
     *
     * @return the name
     */
    String appName();

    /**
     * Returns this member.
     *
     * @return this member
     */
    MemberRef self();

    /**
     * Returns the app's members now, this one included.
     *
     * @return the members
     */
    List<MemberRef> members();

    /**
     * Tells whether this member coordinates the app now.
     *
     * @return true for the coordinator
     */
    boolean isCoordinator();

    /**
     * Sends a message to a member.
     *
     * @param to the member's id
     * @param topic what it is about
     * @param payload its body
     */
    void send(String to, String topic, byte[] payload);

    /**
     * Sends a message to every other member.
     *
     * @param topic what it is about
     * @param payload its body
     */
    void broadcast(String topic, byte[] payload);

    /**
     * Sends a request and waits for the reply.
     *
     * @param to the member's id
     * @param topic what it is about
     * @param payload its body
     * @param timeout how long to wait
     * @return the reply; completes exceptionally on timeout or if the member leaves
     */
    CompletionStage<AppMessage> request(String to, String topic, byte[] payload, Duration timeout);

    /**
     * Writes a line to the app's log (what {@code app:logs} shows).
     *
     * @param message the line
     */
    void log(String message);
}
