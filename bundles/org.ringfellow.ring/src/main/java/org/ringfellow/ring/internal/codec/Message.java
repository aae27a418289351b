package org.ringfellow.ring.internal.codec;

import java.util.List;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;

/** The messages of the protocol. Datagrams carry piggybacked updates; push-pull goes over TCP. */
public sealed interface Message {

    /** Direct probe; {@code target} stops a new node at a reused address from answering for the old one. */
    record Ping(long seq, NodeId target, List<Update> updates) implements Message {
    }

    /** Ask the receiver to probe {@code target} on the sender's behalf. */
    record PingReq(long seq, NodeId target, Endpoint targetAddress, List<Update> updates) implements Message {
    }

    record Ack(long seq, List<Update> updates) implements Message {
    }

    /** Lifeguard: the intermediary could not reach the target, but is itself alive. */
    record Nack(long seq, List<Update> updates) implements Message {
    }

    record Gossip(List<Update> updates) implements Message {
    }

    /** Full state exchange; {@code join} marks the first one of a joining node. */
    record PushPull(boolean join, List<MemberRecord> records, List<Accusation> accusations) implements Message {
    }

    /**
     * Reachability: asks the receiver ({@code target}, so a new node at a reused address does
     * not answer for the old one) where this datagram came from.
     */
    record WhoAmI(long nonce, NodeId target, List<Update> updates) implements Message {
    }

    /** The answer to {@link WhoAmI}: the source address and port the receiver saw. */
    record Observed(long nonce, Endpoint observed, List<Update> updates) implements Message {
    }

    /**
     * Asks the receiver to dial {@code target} back from another port, with {@code nonce}:
     * AutoNAT's check that the sender is reachable at the address members observed. The
     * receiver only dials the host the request came from.
     */
    record DialRequest(long nonce, Endpoint target, List<Update> updates) implements Message {
    }

    /** The dial-back itself, sent from a port the receiver never talked to. */
    record DialBack(long nonce, List<Update> updates) implements Message {
    }
}
