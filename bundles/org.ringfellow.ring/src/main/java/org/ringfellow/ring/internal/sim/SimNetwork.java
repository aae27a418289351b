package org.ringfellow.ring.internal.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.ring.internal.codec.Limits;
import org.ringfellow.ring.internal.transport.Transport;

/**
 * An in-memory network on a virtual clock: per-link loss, random delay, partitions and crashed
 * hosts, all drawn from one seeded random source, so thousands of members run
 * deterministically in one thread.
 */
public final class SimNetwork {

    private final VirtualClock clock;
    private final Random random;
    private final Map<Endpoint, SimTransport> endpoints = new HashMap<>();
    private final Map<String, Double> linkLoss = new HashMap<>();
    private final Map<Endpoint, Integer> partition = new HashMap<>();
    private double loss;
    private long minDelayMillis = 1;
    private long maxDelayMillis = 5;
    private long datagrams;
    private long datagramsLost;
    private long datagramBytes;
    private Tap tap;

    /** Sees every datagram sent, before loss: for tests and simulations that watch the protocol. */
    public interface Tap {
        void sent(long atMillis, Endpoint from, Endpoint to, byte[] payload);
    }

    public SimNetwork(VirtualClock clock, long seed) {
        this.clock = clock;
        this.random = new Random(seed);
    }

    public VirtualClock clock() {
        return clock;
    }

    /** Loss probability of every datagram (streams are reliable unless partitioned). */
    public void setLoss(double probability) {
        this.loss = probability;
    }

    public void setDelay(long minMillis, long maxMillis) {
        this.minDelayMillis = minMillis;
        this.maxDelayMillis = Math.max(minMillis, maxMillis);
    }

    /** Loss of datagrams from {@code from} to {@code to}, overriding the global loss. */
    public void setLinkLoss(Endpoint from, Endpoint to, double probability) {
        linkLoss.put(from + ">" + to, probability);
    }

    /** Puts an endpoint in a partition; only endpoints of the same partition reach each other. */
    public void setPartition(Endpoint endpoint, int group) {
        partition.put(endpoint, group);
    }

    public void heal() {
        partition.clear();
    }

    public void setTap(Tap tap) {
        this.tap = tap;
    }

    public long datagrams() {
        return datagrams;
    }

    public long datagramsLost() {
        return datagramsLost;
    }

    public long datagramBytes() {
        return datagramBytes;
    }

    /** Creates the transport of a member at {@code address} running on {@code host}. */
    public SimTransport transport(Endpoint address, VirtualClock.Host host) {
        SimTransport t = new SimTransport(this, address, host);
        endpoints.put(address, t);
        return t;
    }

    void unregister(SimTransport t) {
        endpoints.remove(t.localAddress(), t);
    }

    private boolean partitioned(Endpoint a, Endpoint b) {
        return !partition.getOrDefault(a, 0).equals(partition.getOrDefault(b, 0));
    }

    private long delay() {
        return minDelayMillis + (maxDelayMillis > minDelayMillis
                ? (long) (random.nextDouble() * (maxDelayMillis - minDelayMillis)) : 0);
    }

    /** Delivers a datagram as if {@code from} had sent it (an attacker, a fuzzer), bypassing loss. */
    public void inject(Endpoint from, Endpoint to, byte[] payload) {
        clock.schedule(minDelayMillis, () -> {
            SimTransport target = endpoints.get(to);
            if (target != null) {
                target.deliver(from, payload);
            }
        });
    }

    void datagram(SimTransport from, Endpoint to, byte[] payload) {
        datagrams++;
        datagramBytes += payload.length;
        if (tap != null) {
            tap.sent(clock.now(), from.localAddress(), to, payload);
        }
        double p = linkLoss.isEmpty() ? loss : linkLoss.getOrDefault(from.localAddress() + ">" + to, loss);
        if (payload.length > Limits.MAX_DATAGRAM + 100 || partitioned(from.localAddress(), to)
                || (p > 0 && random.nextDouble() < p)) {
            datagramsLost++;
            return;
        }
        Endpoint source = from.localAddress();
        clock.schedule(delay(), () -> {
            SimTransport target = endpoints.get(to);
            if (target != null) {
                target.deliver(source, payload);
            }
        });
    }

    /**
     * One direction of a stream exchange: the link delay plus TCP's retransmission timeouts
     * (200 ms, doubling) for every segment lost to the link's loss rate; -1 if it gives up.
     */
    private long streamDelay(Endpoint from, Endpoint to) {
        double p = linkLoss.isEmpty() ? loss : linkLoss.getOrDefault(from + ">" + to, loss);
        long d = delay();
        long rto = 200;
        for (int attempt = 0; p > 0 && random.nextDouble() < p; attempt++) {
            if (attempt >= 6) {
                return -1;
            }
            d += rto;
            rto *= 2;
        }
        return d;
    }

    void request(SimTransport from, Endpoint to, byte[] payload, long timeoutMillis,
            BiConsumer<byte[], Throwable> callback) {
        Endpoint source = from.localAddress();
        SimTransport target = endpoints.get(to);
        // Connection set-up (SYN / SYN-ACK) and the request, then the reply.
        long there = streamDelay(source, to);
        long handshake = streamDelay(to, source);
        long back = streamDelay(to, source);
        if (target == null || partitioned(source, to) || there < 0 || handshake < 0 || back < 0
                || there + handshake + there + back > timeoutMillis) {
            from.scheduleCallback(timeoutMillis, () -> callback.accept(null,
                    new java.io.IOException("no reply from " + to + " within " + timeoutMillis + " ms")));
            return;
        }
        clock.schedule(there + handshake + there, () -> {
            SimTransport t = endpoints.get(to);
            byte[] reply = t == null || partitioned(source, to) ? null : t.handleRequest(source, payload);
            from.scheduleCallback(back, () -> {
                if (reply == null) {
                    callback.accept(null, new java.io.IOException("stream to " + to + " closed without a reply"));
                } else {
                    callback.accept(reply, null);
                }
            });
        });
    }
}
