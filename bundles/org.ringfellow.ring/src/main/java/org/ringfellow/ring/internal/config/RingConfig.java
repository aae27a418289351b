package org.ringfellow.ring.internal.config;

/**
 * Protocol timings and limits of one Ring member, immutable. {@link #defaultLanConfig()} starts
 * from memberlist's LAN defaults; {@code withX} returns a validated copy.
 */
public final class RingConfig {

    private final long probeIntervalMillis;
    private final long probeTimeoutMillis;
    private final int indirectChecks;
    private final long gossipIntervalMillis;
    private final int gossipNodes;
    private final int retransmitMult;
    private final int suspicionMult;
    private final int suspicionMaxTimeoutMult;
    private final long pushPullIntervalMillis;
    private final int awarenessMaxMultiplier;
    private final long gossipToTheDeadMillis;
    private final long tcpTimeoutMillis;
    private final boolean ringProbeSchedule;

    private RingConfig(long probeIntervalMillis, long probeTimeoutMillis, int indirectChecks, long gossipIntervalMillis,
            int gossipNodes, int retransmitMult, int suspicionMult, int suspicionMaxTimeoutMult,
            long pushPullIntervalMillis, int awarenessMaxMultiplier, long gossipToTheDeadMillis, long tcpTimeoutMillis,
            boolean ringProbeSchedule) {
        this.probeIntervalMillis = range("probeIntervalMillis", probeIntervalMillis, 10, 600_000);
        this.probeTimeoutMillis = range("probeTimeoutMillis", probeTimeoutMillis, 5, 600_000);
        if (probeTimeoutMillis > probeIntervalMillis) {
            throw new IllegalArgumentException("probeTimeoutMillis (" + probeTimeoutMillis
                    + ") must not exceed probeIntervalMillis (" + probeIntervalMillis + ")");
        }
        this.indirectChecks = (int) range("indirectChecks", indirectChecks, 0, 16);
        this.gossipIntervalMillis = range("gossipIntervalMillis", gossipIntervalMillis, 10, 600_000);
        this.gossipNodes = (int) range("gossipNodes", gossipNodes, 1, 16);
        this.retransmitMult = (int) range("retransmitMult", retransmitMult, 1, 16);
        this.suspicionMult = (int) range("suspicionMult", suspicionMult, 1, 32);
        this.suspicionMaxTimeoutMult = (int) range("suspicionMaxTimeoutMult", suspicionMaxTimeoutMult, 1, 32);
        this.pushPullIntervalMillis = range("pushPullIntervalMillis", pushPullIntervalMillis, 0, 86_400_000);
        this.awarenessMaxMultiplier = (int) range("awarenessMaxMultiplier", awarenessMaxMultiplier, 1, 32);
        this.gossipToTheDeadMillis = range("gossipToTheDeadMillis", gossipToTheDeadMillis, 0, 86_400_000);
        this.tcpTimeoutMillis = range("tcpTimeoutMillis", tcpTimeoutMillis, 100, 600_000);
        this.ringProbeSchedule = ringProbeSchedule;
    }

    /**
     * memberlist's LAN defaults: probe 1 s, timeout 500 ms, 3 indirect checks, gossip 200 ms to 3
     * nodes, retransmit mult 4, suspicion mult 4 (max 6x), push-pull 30 s, awareness max 8.
     *
     * @return the default configuration
     */
    public static RingConfig defaultLanConfig() {
        return new RingConfig(1000, 500, 3, 200, 3, 4, 4, 6, 30_000, 8, 30_000, 10_000, true);
    }

    private static long range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    public long probeIntervalMillis() { return probeIntervalMillis; }
    public long probeTimeoutMillis() { return probeTimeoutMillis; }
    public int indirectChecks() { return indirectChecks; }
    public long gossipIntervalMillis() { return gossipIntervalMillis; }
    public int gossipNodes() { return gossipNodes; }
    public int retransmitMult() { return retransmitMult; }
    public int suspicionMult() { return suspicionMult; }
    public int suspicionMaxTimeoutMult() { return suspicionMaxTimeoutMult; }
    /** 0 disables periodic push-pull (joins still use it). */
    public long pushPullIntervalMillis() { return pushPullIntervalMillis; }
    public int awarenessMaxMultiplier() { return awarenessMaxMultiplier; }
    public long gossipToTheDeadMillis() { return gossipToTheDeadMillis; }
    public long tcpTimeoutMillis() { return tcpTimeoutMillis; }
    /**
     * true: probe targets follow the shared identifier-ring rotation (every member probed about
     * once per period); false: SWIM's shuffled round-robin alone.
     */
    public boolean ringProbeSchedule() { return ringProbeSchedule; }

    public RingConfig withProbeIntervalMillis(long v) {
        return new RingConfig(v, Math.min(probeTimeoutMillis, v), indirectChecks, gossipIntervalMillis, gossipNodes,
                retransmitMult, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis, awarenessMaxMultiplier,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withProbeTimeoutMillis(long v) {
        return new RingConfig(probeIntervalMillis, v, indirectChecks, gossipIntervalMillis, gossipNodes, retransmitMult,
                suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis, awarenessMaxMultiplier,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withIndirectChecks(int v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, v, gossipIntervalMillis, gossipNodes,
                retransmitMult, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis, awarenessMaxMultiplier,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withGossipIntervalMillis(long v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, v, gossipNodes, retransmitMult,
                suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis, awarenessMaxMultiplier,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withGossipNodes(int v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis, v,
                retransmitMult, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis, awarenessMaxMultiplier,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withRetransmitMult(int v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis,
                gossipNodes, v, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis, awarenessMaxMultiplier,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withSuspicionMult(int v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis,
                gossipNodes, retransmitMult, v, suspicionMaxTimeoutMult, pushPullIntervalMillis,
                awarenessMaxMultiplier, gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withSuspicionMaxTimeoutMult(int v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis,
                gossipNodes, retransmitMult, suspicionMult, v, pushPullIntervalMillis, awarenessMaxMultiplier,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withPushPullIntervalMillis(long v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis,
                gossipNodes, retransmitMult, suspicionMult, suspicionMaxTimeoutMult, v, awarenessMaxMultiplier,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withAwarenessMaxMultiplier(int v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis,
                gossipNodes, retransmitMult, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis, v,
                gossipToTheDeadMillis, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withGossipToTheDeadMillis(long v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis,
                gossipNodes, retransmitMult, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis,
                awarenessMaxMultiplier, v, tcpTimeoutMillis, ringProbeSchedule);
    }

    public RingConfig withTcpTimeoutMillis(long v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis,
                gossipNodes, retransmitMult, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis,
                awarenessMaxMultiplier, gossipToTheDeadMillis, v, ringProbeSchedule);
    }

    public RingConfig withRingProbeSchedule(boolean v) {
        return new RingConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, gossipIntervalMillis,
                gossipNodes, retransmitMult, suspicionMult, suspicionMaxTimeoutMult, pushPullIntervalMillis,
                awarenessMaxMultiplier, gossipToTheDeadMillis, tcpTimeoutMillis, v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RingConfig c && c.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "RingConfig[probe=" + probeIntervalMillis + "ms/" + probeTimeoutMillis + "ms, indirect=" + indirectChecks
                + ", gossip=" + gossipIntervalMillis + "ms x" + gossipNodes + ", retransmitMult=" + retransmitMult
                + ", suspicion=" + suspicionMult + "x(max " + suspicionMaxTimeoutMult + "x), pushPull="
                + pushPullIntervalMillis + "ms, awarenessMax=" + awarenessMaxMultiplier + ", gossipToTheDead="
                + gossipToTheDeadMillis + "ms, tcpTimeout=" + tcpTimeoutMillis + "ms, probeSchedule="
                + (ringProbeSchedule ? "ring" : "random") + "]";
    }
}
