package org.ringfellow.ring.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.ring.internal.config.RingConfig;

/** A validated {@link RingConfiguration}: parsing it is the only place a bad value is caught. */
record RingOptions(String bindHost, int port, String advertiseHost, int advertisePort, List<Endpoint> seeds,
        RingConfig protocol, int joinRetrySeconds) {

    RingOptions {
        seeds = List.copyOf(seeds);
    }

    /** @throws IllegalArgumentException naming the bad property */
    static RingOptions parse(RingConfiguration c) {
        String bind = c.bindHost() == null ? "" : c.bindHost().trim();
        if (bind.isEmpty() || bind.length() > 255) {
            throw new IllegalArgumentException("bindHost must be an address, got '" + c.bindHost() + "'");
        }
        check("port", c.port(), 0, 65535);
        check("advertisePort", c.advertisePort(), 0, 65535);
        check("joinRetrySeconds", c.joinRetrySeconds(), 0, 3600);
        String adv = c.advertiseHost() == null ? "" : c.advertiseHost().trim();
        if (adv.length() > 64) {
            throw new IllegalArgumentException("advertiseHost is longer than 64 characters");
        }
        List<Endpoint> seeds;
        try {
            seeds = Seeds.parse(c.seeds() == null ? List.of() : List.of(c.seeds()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("seeds: " + e.getMessage(), e);
        }
        RingConfig protocol = RingConfig.defaultLanConfig().withProbeIntervalMillis(c.probeIntervalMillis())
                .withProbeTimeoutMillis(c.probeTimeoutMillis()).withIndirectChecks(c.indirectChecks())
                .withGossipIntervalMillis(c.gossipIntervalMillis()).withGossipNodes(c.gossipNodes())
                .withRetransmitMult(c.retransmitMult()).withSuspicionMult(c.suspicionMult())
                .withSuspicionMaxTimeoutMult(c.suspicionMaxTimeoutMult())
                .withPushPullIntervalMillis(c.pushPullIntervalMillis())
                .withAwarenessMaxMultiplier(c.awarenessMaxMultiplier())
                .withGossipToTheDeadMillis(c.gossipToTheDeadMillis())
                .withRingProbeSchedule(c.ringProbeSchedule());
        return new RingOptions(bind, c.port(), adv, c.advertisePort(), seeds, protocol, c.joinRetrySeconds());
    }

    /** @return true if both bind and advertise the same sockets: a change of seeds or timings only */
    boolean sameSockets(RingOptions other) {
        return other != null && bindHost.equals(other.bindHost) && port == other.port
                && advertiseHost.equals(other.advertiseHost) && advertisePort == other.advertisePort;
    }

    private static void check(String name, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + v);
        }
    }

    /** The host to advertise: explicit, else the bind address, else a site-local IPv4 address. */
    String effectiveAdvertiseHost() {
        if (!advertiseHost.isEmpty()) {
            return advertiseHost;
        }
        try {
            InetAddress bound = InetAddress.getByName(bindHost);
            if (!bound.isAnyLocalAddress()) {
                return bound.getHostAddress();
            }
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException | SocketException e) {
            return "127.0.0.1";
        }
    }
}
