package org.ringfellow.ring.internal.transport;

import java.util.function.BiConsumer;
import org.ringfellow.api.ring.Endpoint;

/**
 * Counts every message and byte a member sends and receives, in one place, whatever the
 * transport underneath: datagrams at their size, stream requests and replies at their size
 * plus the 4-byte length frame. A message is counted when it crosses this layer, before the
 * protocol decodes (or drops) it.
 */
public final class MeteredTransport implements Transport {

    /** Where the counts go; thread-safe. */
    public interface Meter {

        /** One message of {@code bytes} received. */
        void received(long bytes);

        /** One message of {@code bytes} sent. */
        void sent(long bytes);
    }

    /** The length prefix of a stream frame. */
    static final int FRAME_HEADER = 4;

    private final Transport inner;
    private final Meter meter;

    public MeteredTransport(Transport inner, Meter meter) {
        this.inner = inner;
        this.meter = meter;
    }

    @Override
    public Endpoint localAddress() {
        return inner.localAddress();
    }

    @Override
    public void start(Handler handler) {
        inner.start(new Handler() {
            @Override
            public void onDatagram(Endpoint from, byte[] data) {
                meter.received(data.length);
                handler.onDatagram(from, data);
            }

            @Override
            public byte[] onRequest(Endpoint from, byte[] data) {
                meter.received(data.length + (long) FRAME_HEADER);
                byte[] reply = handler.onRequest(from, data);
                if (reply != null) {
                    meter.sent(reply.length + (long) FRAME_HEADER);
                }
                return reply;
            }

            @Override
            public void onDrop(String reason) {
                handler.onDrop(reason);
            }
        });
    }

    @Override
    public void sendDatagram(Endpoint to, byte[] payload) {
        meter.sent(payload.length);
        inner.sendDatagram(to, payload);
    }

    @Override
    public void sendDatagramFromOtherPort(Endpoint to, byte[] payload) {
        meter.sent(payload.length);
        inner.sendDatagramFromOtherPort(to, payload);
    }

    @Override
    public void request(Endpoint to, byte[] payload, long timeoutMillis, BiConsumer<byte[], Throwable> callback) {
        meter.sent(payload.length + (long) FRAME_HEADER);
        inner.request(to, payload, timeoutMillis, (reply, error) -> {
            if (reply != null) {
                meter.received(reply.length + (long) FRAME_HEADER);
            }
            callback.accept(reply, error);
        });
    }

    @Override
    public void close() {
        inner.close();
    }
}
