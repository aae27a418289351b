package org.ringfellow.app.bridge;

import java.util.Objects;
import org.ringfellow.api.app.HttpResponse;

/** What an app asks of its node: one line each, from app to node. */
public sealed interface BridgeCommand {

    /**
     * Send a message to one member.
     *
     * @param to the member's id
     * @param topic what it is about
     * @param payload its body
     */
    record Send(String to, String topic, byte[] payload) implements BridgeCommand {
    }

    /**
     * Send a message to every other member.
     *
     * @param topic what it is about
     * @param payload its body
     */
    record Broadcast(String topic, byte[] payload) implements BridgeCommand {
    }

    /**
     * Send a request; the node answers with {@link BridgeEvent.Reply} or {@link BridgeEvent.RequestFailed}
     * of the same id.
     *
     * @param id chosen by the app, positive, not reused while the request is open
     * @param to the member's id
     * @param topic what it is about
     * @param payload its body
     * @param timeoutMillis how long the node waits for the answer, 1 ms to 10 minutes
     */
    record Request(long id, String to, String topic, byte[] payload, long timeoutMillis) implements BridgeCommand {
    }

    /**
     * Answer the {@link BridgeEvent.Request} of that id.
     *
     * @param id the request's id
     * @param payload the answer
     */
    record Reply(long id, byte[] payload) implements BridgeCommand {
    }

    /**
     * Refuse the {@link BridgeEvent.Request} of that id; the requester's request fails with the reason.
     *
     * @param id the request's id
     * @param reason why
     */
    record ReplyError(long id, String reason) implements BridgeCommand {
        /** Rejects a missing reason. */
        public ReplyError {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Answer the {@link BridgeEvent.Http} of that id.
     *
     * @param id the HTTP request's id
     * @param response the response
     */
    record HttpReply(long id, HttpResponse response) implements BridgeCommand {
    }

    /**
     * Write a line to the app's log.
     *
     * @param message the line
     */
    record Log(String message) implements BridgeCommand {
    }
}
