package org.ringfellow.ring.internal.transport;

import java.util.function.BiConsumer;
import org.ringfellow.api.ring.Endpoint;

/**
 * How a member reaches others: unreliable datagrams for probes and gossip, and a
 * request-response stream for push-pull. Every callback runs on the member's protocol thread.
 * Implementations: Netty UDP+TCP, and the simulated network.
 */
public interface Transport {

    /** @return where this member listens (what others send to) */
    Endpoint localAddress();

    /** Starts delivering input to {@code handler}. */
    void start(Handler handler);

    /** Sends a datagram, best effort. */
    void sendDatagram(Endpoint to, byte[] payload);

    /**
     * Sends a datagram, best effort, from a socket other than the member's own: a dial-back,
     * which must not look like a reply to anything the receiver sent (a NAT lets replies in).
     */
    void sendDatagramFromOtherPort(Endpoint to, byte[] payload);

    /**
     * Sends a request over a stream and hands the reply (or the failure) to {@code callback}
     * on the protocol thread, within {@code timeoutMillis}.
     */
    void request(Endpoint to, byte[] payload, long timeoutMillis, BiConsumer<byte[], Throwable> callback);

    /** Stops listening; no callback runs afterwards. */
    void close();

    /** What a transport delivers to its member, on the protocol thread. */
    interface Handler {

        void onDatagram(Endpoint from, byte[] data);

        /** @return the reply to send, or null to close the stream without one */
        byte[] onRequest(Endpoint from, byte[] data);

        /** A drop the transport itself detected (oversized frame, framing error). */
        void onDrop(String reason);
    }
}
