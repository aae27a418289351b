package org.ringfellow.app.bridge;

import java.util.List;
import java.util.Objects;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.MemberRef;

/** What the node tells an app: one line each, from node to app. */
public sealed interface BridgeEvent {

    /**
     * The app started on this member; always the first event of a connection.
     *
     * @param app the app's name
     * @param self this member
     * @param members every member now, this one included
     * @param coordinator the coordinator's member id
     */
    record Started(String app, MemberRef self, List<MemberRef> members, String coordinator) implements BridgeEvent {
        /** Makes the member list immutable. */
        public Started {
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(self, "self");
            members = List.copyOf(members);
            Objects.requireNonNull(coordinator, "coordinator");
        }
    }

    /** The app is stopping on this member: it should finish and exit. */
    record Stopped() implements BridgeEvent {
    }

    /**
     * A message from a member.
     *
     * @param from the sender
     * @param topic what it is about
     * @param payload its body
     */
    record Message(MemberRef from, String topic, byte[] payload) implements BridgeEvent {
    }

    /**
     * A request from a member; the app answers with {@link BridgeCommand.Reply} of the same id.
     *
     * @param id the request's id, unique on this bridge
     * @param from the sender
     * @param topic what it is about
     * @param payload its body
     */
    record Request(long id, MemberRef from, String topic, byte[] payload) implements BridgeEvent {
    }

    /**
     * The answer to the app's own {@link BridgeCommand.Request} of the same id.
     *
     * @param id the id the app gave its request
     * @param from the member that answered
     * @param payload the answer
     */
    record Reply(long id, MemberRef from, byte[] payload) implements BridgeEvent {
    }

    /**
     * The app's own request of that id failed: timeout, member gone, or the member's error.
     *
     * @param id the id the app gave its request
     * @param reason why
     */
    record RequestFailed(long id, String reason) implements BridgeEvent {
    }

    /**
     * A member joined.
     *
     * @param member the new member
     */
    record MemberJoined(MemberRef member) implements BridgeEvent {
    }

    /**
     * A member left or died.
     *
     * @param member the member
     */
    record MemberLeft(MemberRef member) implements BridgeEvent {
    }

    /**
     * The coordinator changed.
     *
     * @param coordinator the new coordinator
     */
    record CoordinatorChanged(MemberRef coordinator) implements BridgeEvent {
    }

    /**
     * An HTTP request from the ingress; the app answers with {@link BridgeCommand.HttpReply} of the same id.
     *
     * @param id the request's id, unique on this bridge
     * @param request the request
     */
    record Http(long id, HttpRequest request) implements BridgeEvent {
    }
}
