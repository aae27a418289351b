package org.ringfellow.ring.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.ring.internal.codec.Codec;
import org.ringfellow.ring.internal.codec.DecodeException;
import org.ringfellow.ring.internal.codec.Message;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.sim.SimCluster;

/**
 * The probe rotation on the simulated network (virtual time: the probe period is 1 s, periods
 * start at multiples of it): who is probed when, and what that does to crash detection.
 */
class ProbeRotationSimulationTest {

    private static final RingConfig LAN = RingConfig.defaultLanConfig();
    private static final long PERIOD = LAN.probeIntervalMillis();

    /** @return per period (index from the start of the window), the members pinged in it */
    private static Map<Long, Set<Endpoint>> pingsPerPeriod(SimCluster c, long periods) {
        Map<Long, Set<Endpoint>> pinged = new HashMap<>();
        long first = c.clock().now() / PERIOD + 1;
        c.network().setTap((at, from, to, payload) -> {
            long period = at / PERIOD - first;
            if (period < 0 || period >= periods) {
                return;
            }
            try {
                if (Codec.decodeDatagram(payload) instanceof Message.Ping) {
                    pinged.computeIfAbsent(period, k -> new HashSet<>()).add(to);
                }
            } catch (DecodeException e) {
                throw new AssertionError(e);
            }
        });
        c.clock().runUntil((first + periods) * PERIOD);
        c.network().setTap(null);
        return pinged;
    }

    /** @return how many (member, two consecutive periods) windows saw that member not pinged at all */
    private static int unprobedWindows(SimCluster c, Map<Long, Set<Endpoint>> pinged, long periods) {
        int gaps = 0;
        for (long t = 0; t + 1 < periods; t++) {
            for (SimCluster.Node n : c.nodes()) {
                if (!pinged.getOrDefault(t, Set.of()).contains(n.address)
                        && !pinged.getOrDefault(t + 1, Set.of()).contains(n.address)) {
                    gaps++;
                }
            }
        }
        return gaps;
    }

    private static SimCluster converged(RingConfig config, int n, long seed) {
        SimCluster c = new SimCluster(config, seed);
        c.grow(n, 50);
        assertTrue(c.clock().runUntil(c::converged, 100, 60_000), n + " members should converge");
        // Let the last records settle everywhere, so every view holds the same ring, and the
        // formation's gossip die down (a ring that converges fast still has records queued).
        c.clock().advance(5_000);
        assertTrue(c.clock().runUntil(() -> c.nodes().stream().allMatch(x -> x.swim.pendingBroadcasts() == 0), 100,
                120_000), "the formation's gossip should die down");
        return c;
    }

    @Test
    void givenAConvergedRingOnTheRotation_whenPeriodsPass_thenEveryMemberIsProbedInEveryPeriod() {
        int n = 40;
        long periods = 30;
        SimCluster c = converged(LAN, n, 21);
        Map<Long, Set<Endpoint>> pinged = pingsPerPeriod(c, periods);
        for (long t = 0; t < periods; t++) {
            assertEquals(n, pinged.getOrDefault(t, Set.of()).size(), "period " + t + ": every member probed");
        }
        assertEquals(0, unprobedWindows(c, pinged, periods));
    }

    @Test
    void givenTheRandomRoundRobin_whenPeriodsPass_thenSomeMembersGoTwoPeriodsUnprobed() {
        // The contrast that makes the test above mean something: SWIM's own choice leaves gaps.
        int n = 40;
        long periods = 30;
        SimCluster c = converged(LAN.withRingProbeSchedule(false), n, 21);
        Map<Long, Set<Endpoint>> pinged = pingsPerPeriod(c, periods);
        assertTrue(unprobedWindows(c, pinged, periods) > 0, "random probing should leave some gaps");
    }

    @Test
    void givenRepeatedCrashesOnTheRotation_whenDetected_thenEverySurvivorSuspectsWithinTwoPeriodsAndAllDeclareDeath() {
        int n = 60;
        SimCluster c = converged(LAN, n, 23);
        Map<String, Long> firstSuspect = new HashMap<>();
        Map<String, Integer> suspecting = new HashMap<>();
        c.setListener((at, e) -> {
            if (e.type() == RingEvent.Type.SUSPECTED || e.type() == RingEvent.Type.DEAD) {
                String id = e.member().id().hex();
                firstSuspect.putIfAbsent(id, c.clock().now());
            }
        });
        // Crashes at different points of the period, one at a time.
        for (int i = 0; i < 5; i++) {
            SimCluster.Node victim = c.node(10 + 7 * i);
            // Views settle after the previous death (a ring that changes mid-period loses some
            // coverage for that period), then the crash falls at a different point of the period.
            c.clock().advance(2_000 + 137 * i);
            long crash = c.clock().now();
            victim.crash();
            assertTrue(c.clock().runUntil(() -> c.countSeeing(victim, MemberState.SUSPECT)
                    + c.countSeeing(victim, MemberState.DEAD) == c.running(victim), 10, 5_000));
            long allSuspect = c.clock().now() - crash;
            long first = firstSuspect.get(victim.identity.id().hex()) - crash;
            // Probed within a period of the crash (at its phase, once per period), concluded at
            // the end of that probe's period (a crashed host: TCP times out too), then spread by
            // immediate gossip (1-5 ms links).
            assertTrue(first <= 2 * PERIOD + 10, "crash " + i + ": first suspicion after " + first + " ms");
            assertTrue(allSuspect <= 2 * PERIOD + 300, "crash " + i + ": all suspect after " + allSuspect + " ms");
            assertTrue(allSuspect - first <= 300, "crash " + i + ": spread from the first suspicion took "
                    + (allSuspect - first) + " ms");
            assertTrue(c.clock().runUntil(() -> c.countSeeing(victim, MemberState.DEAD) == c.running(victim), 10,
                    60_000));
            long allDead = c.clock().now() - crash;
            // Lifeguard's floor at 60 members: 4 x log10(60) x 1 s = 7.1 s after the suspicion.
            assertTrue(allDead <= 10_000, "crash " + i + ": all dead after " + allDead + " ms");
            suspecting.put(victim.identity.id().hex(), (int) allSuspect);
        }
        assertEquals(5, suspecting.size());
        for (SimCluster.Node node : c.nodes()) {
            if (node.swim.running()) {
                assertEquals(n - 5, node.swim.countInState(MemberState.ALIVE), "no false deaths");
            }
        }
    }
}
