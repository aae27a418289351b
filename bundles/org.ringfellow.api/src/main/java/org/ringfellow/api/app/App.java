package org.ringfellow.api.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What an app developer implements: one handler per event, each with a default that does
 * nothing. The runtime calls the handlers of one app one at a time, in order per sender. A
 * handler that throws is logged and reported in the app's status; the app keeps running.
 */
public interface App {

    /**
     * The app started on this member.
     *
     * @param context what the app may do
     */
    default void started(AppContext context) {
    }

    /** The app is stopping on this member (undeploy, scale down, node leaving). */
    default void stopped() {
    }

    /**
     * A message arrived.
     *
     * @param message the message
     */
    default void message(AppMessage message) {
    }

    /**
     * A request arrived; the returned stage's value is the reply.
     *
     * @param request the request
     * @return the reply's body
     */
    default CompletionStage<byte[]> request(AppMessage request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this app answers no requests"));
    }

    /**
     * A member joined the app.
     *
     * @param member the new member
     */
    default void memberJoined(MemberRef member) {
    }

    /**
     * A member left the app or died.
     *
     * @param member the member that left
     */
    default void memberLeft(MemberRef member) {
    }

    /**
     * Another member became the coordinator, or this one did.
     *
     * @param coordinator the new coordinator
     */
    default void coordinatorChanged(MemberRef coordinator) {
    }

    /**
     * An HTTP request arrived through the ingress (only the coordinator receives them).
     *
     * @param request the request
     * @return the response
     */
    default CompletionStage<HttpResponse> http(HttpRequest request) {
        return CompletableFuture.completedFuture(HttpResponse.text(404, "text/plain", "not found"));
    }
}
