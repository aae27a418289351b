package org.ringfellow.ring.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.ringfellow.api.ring.Ring;

/** Configuration of PID {@code org.ringfellow.ring}; defaults are memberlist's LAN timings. */
@ObjectClassDefinition(name = "Ringfellow Ring", description = "The public overlay: sockets, seeds and SWIM timings.")
public @interface RingConfiguration {

    @AttributeDefinition(description = "Address to bind the UDP and TCP sockets to")
    String bindHost() default "0.0.0.0";

    @AttributeDefinition(description = "Port for both UDP and TCP (0 = any free port)", min = "0", max = "65535")
    int port() default Ring.DEFAULT_PORT;

    @AttributeDefinition(description = "Host others reach this node at; empty = the bind address, or a site-local "
            + "address when binding to all interfaces", required = false)
    String advertiseHost() default "";

    @AttributeDefinition(description = "Port others reach this node at; 0 = the bound port", min = "0",
            max = "65535")
    int advertisePort() default 0;

    @AttributeDefinition(description = "Seed members as host:port (a host alone means port " + Ring.DEFAULT_PORT
            + "); none = form a new ring", required = false)
    String[] seeds() default {};

    @AttributeDefinition(description = "Probe period (ms)", min = "10")
    long probeIntervalMillis() default 1000;

    @AttributeDefinition(description = "Direct probe timeout (ms)", min = "5")
    long probeTimeoutMillis() default 500;

    @AttributeDefinition(description = "Members asked to probe indirectly", min = "0", max = "16")
    int indirectChecks() default 3;

    @AttributeDefinition(description = "Gossip period (ms)", min = "10")
    long gossipIntervalMillis() default 200;

    @AttributeDefinition(description = "Members gossiped to per period", min = "1", max = "16")
    int gossipNodes() default 3;

    @AttributeDefinition(description = "Retransmit multiplier (limit = mult * log10(N+1))", min = "1", max = "16")
    int retransmitMult() default 4;

    @AttributeDefinition(description = "Suspicion multiplier (min timeout = mult * log10(N) * probe period)",
            min = "1", max = "32")
    int suspicionMult() default 4;

    @AttributeDefinition(description = "Max suspicion timeout as a multiple of the min", min = "1", max = "32")
    int suspicionMaxTimeoutMult() default 6;

    @AttributeDefinition(description = "Push-pull full sync period (ms, 0 = off)", min = "0")
    long pushPullIntervalMillis() default 30_000;

    @AttributeDefinition(description = "Lifeguard awareness max multiplier", min = "1", max = "32")
    int awarenessMaxMultiplier() default 8;

    @AttributeDefinition(description = "How long dead and left members are still gossiped to and kept (ms)",
            min = "0")
    long gossipToTheDeadMillis() default 30_000;

    @AttributeDefinition(description = "Probe targets: true = every member probes the member at the period's "
            + "offset on the sorted identifier ring (periods from the wall clock), so each member is probed about "
            + "once per period; false = SWIM's shuffled round-robin only")
    boolean ringProbeSchedule() default true;

    @AttributeDefinition(description = "Seconds between join retries while no seed has answered (0 = no retry)",
            min = "0", max = "3600")
    int joinRetrySeconds() default 5;
}
