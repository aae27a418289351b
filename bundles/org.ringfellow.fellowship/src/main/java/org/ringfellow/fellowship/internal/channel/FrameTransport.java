package org.ringfellow.fellowship.internal.channel;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.function.Predicate;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.fellowship.internal.tls.PeerTrustManager;
import org.ringfellow.fellowship.internal.tls.Purpose;

/**
 * How the fellowship engine reaches its peers: links per (peer, purpose), frames in and out.
 * The engine decides admission (the {@link PeerTrustManager.Gate}) and hears frames (the
 * {@link ChannelTransport.Inbound}) on its own thread. {@link ChannelTransport} (Netty, TLS
 * 1.3) is the node's implementation; the tests' simulated network is another.
 */
public interface FrameTransport extends AutoCloseable {

    /** Builds a transport once the engine's gate and inbound handler exist. */
    @FunctionalInterface
    interface Factory {
        FrameTransport create(PeerTrustManager.Gate gate, ChannelTransport.Inbound inbound);
    }

    /**
     * Starts listening.
     *
     * @param host the address to bind
     * @param port the port, 0 for any free one
     * @return the bound address
     */
    InetSocketAddress bind(String host, int port) throws InterruptedException;

    /** Returns the pooled outgoing link to a peer for a purpose, connecting on first use. */
    Link link(NodeId peer, Endpoint at, Purpose purpose);

    /** Closes every link, in or out, that matches. */
    void closeWhere(Predicate<Link> which);

    /** Emulates a network partition: refuses and drops every link with these nodes. */
    void block(Set<NodeId> nodes);

    /** Returns the counters. */
    TransportStats stats();

    /** Returns how many connections the gate refused. */
    long rejectedHandshakes();

    /** Closes the listener and every link. */
    @Override
    void close();
}
