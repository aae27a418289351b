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
    private final Map<Endpoint, SimNat> behind = new HashMap<>();
    private final Map<String, SimNat> natsByHost = new HashMap<>();
    private long natDrops;

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

    /**
     * Adds a NAT router.
     *
     * @param publicHost its public address, which no member may use
     */
    public SimNat addNat(String publicHost, SimNat.Type type) {
        if (natsByHost.containsKey(publicHost)) {
            throw new IllegalArgumentException("a NAT already has the address " + publicHost);
        }
        SimNat nat = new SimNat(publicHost, type);
        natsByHost.put(publicHost, nat);
        return nat;
    }

    /** Puts a member's endpoint behind a router: from now on it is private. */
    public void placeBehind(Endpoint privateAddress, SimNat nat) {
        behind.put(privateAddress, nat);
    }

    /** @return datagrams and streams NAT routers dropped (unsolicited or to a private address) */
    public long natDrops() {
        return natDrops;
    }

    /** @return where a packet from {@code source} to {@code to} appears to come from */
    private Endpoint translate(Endpoint source, Endpoint to) {
        SimNat nat = behind.get(source);
        return nat == null || behind.get(to) == nat ? source : nat.outbound(source, to);
    }

    /**
     * @param source the real sender
     * @param seenFrom where the packet appears to come from
     * @return the endpoint that receives a packet sent to {@code to}, or null if it is dropped
     */
    private Endpoint route(Endpoint source, Endpoint seenFrom, Endpoint to) {
        SimNat privateTo = behind.get(to);
        if (privateTo != null) {
            return behind.get(source) == privateTo ? to : null;
        }
        SimNat nat = natsByHost.get(to.host());
        return nat == null ? to : nat.inbound(seenFrom, to);
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
        send(from, from.localAddress(), to, payload);
    }

    /** A datagram from another port of the sender's host (a dial-back). */
    void datagramFromOtherPort(SimTransport from, Endpoint to, byte[] payload) {
        Endpoint own = from.localAddress();
        send(from, new Endpoint(own.host(), own.port() == 1 ? 2 : 1), to, payload);
    }

    private void send(SimTransport from, Endpoint sourcePort, Endpoint to, byte[] payload) {
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
        Endpoint source = translate(sourcePort, to);
        Endpoint receiver = route(sourcePort, source, to);
        if (receiver == null) {
            natDrops++;
            datagramsLost++;
            return;
        }
        clock.schedule(delay(), () -> {
            SimTransport target = endpoints.get(receiver);
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
        Endpoint real = from.localAddress();
        Endpoint source = translate(real, to);
        Endpoint receiver = route(real, source, to);
        if (receiver == null) {
            natDrops++;
        }
        SimTransport target = receiver == null ? null : endpoints.get(receiver);
        // Connection set-up (SYN / SYN-ACK) and the request, then the reply.
        long there = streamDelay(real, to);
        long handshake = streamDelay(to, real);
        long back = streamDelay(to, real);
        if (target == null || partitioned(real, to) || there < 0 || handshake < 0 || back < 0
                || there + handshake + there + back > timeoutMillis) {
            from.scheduleCallback(timeoutMillis, () -> callback.accept(null,
                    new java.io.IOException("no reply from " + to + " within " + timeoutMillis + " ms")));
            return;
        }
        clock.schedule(there + handshake + there, () -> {
            SimTransport t = endpoints.get(receiver);
            byte[] reply = t == null || partitioned(real, to) ? null : t.handleRequest(source, payload);
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
