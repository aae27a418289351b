package org.ringfellow.fellowship.internal.channel;

import org.ringfellow.fellowship.internal.tls.PeerIdentity;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;

/** One authenticated connection with a peer, for one purpose. */
public interface Link {

    /** The peer the handshake proved (for an outgoing link not yet connected, the node dialled, without key). */
    PeerIdentity peer();

    /** The peer's node id. */
    org.ringfellow.api.node.NodeId node();

    /** What the connection is for. */
    Purpose purpose();

    /** True if the peer dialled this node. */
    boolean inbound();

    /**
     * Queues a frame. Never blocks and never queues more than the link's budget. The frame is
     * encoded before this returns: the caller may reuse its arrays afterwards.
     *
     * @param frame the frame
     * @return false if the frame was not queued: the link is closed, or its outbound budget is
     *     used up because the peer reads slower than we write (backpressure)
     */
    boolean send(Frame frame);

    /** Closes the connection. */
    void close();
}
