package org.ringfellow.ring.internal.sim;

import java.util.function.BiConsumer;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.ring.internal.transport.Transport;

/** One member's attachment to a {@link SimNetwork}. Bytes travel as they would on a socket. */
public final class SimTransport implements Transport {

    private final SimNetwork network;
    private final Endpoint address;
    private final VirtualClock.Host host;
    private Handler handler;

    SimTransport(SimNetwork network, Endpoint address, VirtualClock.Host host) {
        this.network = network;
        this.address = address;
        this.host = host;
    }

    @Override
    public Endpoint localAddress() {
        return address;
    }

    @Override
    public void start(Handler h) {
        this.handler = h;
    }

    @Override
    public void sendDatagram(Endpoint to, byte[] payload) {
        if (handler != null && host.up()) {
            network.datagram(this, to, payload);
        }
    }

    @Override
    public void sendDatagramFromOtherPort(Endpoint to, byte[] payload) {
        if (handler != null && host.up()) {
            network.datagramFromOtherPort(this, to, payload);
        }
    }

    @Override
    public void request(Endpoint to, byte[] payload, long timeoutMillis, BiConsumer<byte[], Throwable> callback) {
        if (host.up()) {
            network.request(this, to, payload, timeoutMillis, callback);
        }
    }

    void deliver(Endpoint from, byte[] payload) {
        if (handler != null && host.up()) {
            handler.onDatagram(from, payload);
        }
    }

    byte[] handleRequest(Endpoint from, byte[] payload) {
        return handler != null && host.up() ? handler.onRequest(from, payload) : null;
    }

    void scheduleCallback(long delay, Runnable task) {
        network.clock().scheduler(host).schedule(delay, task);
    }

    @Override
    public void close() {
        handler = null;
        network.unregister(this);
    }
}
