package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.Fellowship;

/**
 * The fellowship engine on the deterministic core: real engines, real frame codec and signed
 * rosters and votes, on a virtual clock and a simulated network (no threads, no sockets, no
 * wall-clock time). Every run is a function of its seed.
 */
class DeterministicFellowshipTest {

    /** Virtual time the fellowship gets to settle after the last fault. */
    static final long SETTLE_SECONDS = 120;

    static SimFellowship.Node form(SimFellowship sim, int size) {
        SimFellowship.Node founder = sim.nodes.get(0);
        CompletableFuture<Fellowship> f = founder.engine.create(SimFellowship.spec(size)).toCompletableFuture();
        assertTrue(sim.clock.runUntil(f::isDone, 100, 60, TimeUnit.SECONDS), "formed within 60 s (seed " + sim.seed + ")");
        assertTrue(!f.isCompletedExceptionally(), "formed: " + f);
        assertTrue(sim.clock.runUntil(() -> sim.settled(size), 100, 30, TimeUnit.SECONDS), "settled after formation");
        return founder;
    }

    static void settle(SimFellowship sim, int size) {
        assertTrue(sim.clock.runUntil(() -> sim.settled(size), 500, SETTLE_SECONDS, TimeUnit.SECONDS),
                "seed " + sim.seed + ": not settled within " + SETTLE_SECONDS + " s of virtual time\n"
                        + String.join("\n", sim.trace));
    }

    @Test
    void formationOfFive() {
        SimFellowship sim = new SimFellowship(1, 7);
        try {
            form(sim, 5);
            assertEquals(1, sim.coordinator().orElseThrow().membership().get().roster.epoch());
        } finally {
            sim.close();
        }
    }

    @Test
    void memberCrashIsRepaired() {
        SimFellowship sim = new SimFellowship(2, 6);
        try {
            SimFellowship.Node c = form(sim, 4);
            SimFellowship.Node victim = sim.byId(c.membership().get().roster.members().get(2).node());
            sim.crash(victim);
            settle(sim, 4);
            assertTrue(!sim.coordinator().get().membership().get().roster.contains(victim.id()));
            assertEquals(c, sim.coordinator().get(), "the coordinator stays");
        } finally {
            sim.close();
        }
    }

    @Test
    void coordinatorCrashHasASuccessor() {
        SimFellowship sim = new SimFellowship(3, 6);
        try {
            SimFellowship.Node c = form(sim, 4);
            sim.crash(c);
            settle(sim, 4);
            SimFellowship.Node next = sim.coordinator().orElseThrow();
            assertNotEquals(c, next);
            assertTrue(next.membership().get().roster.epoch() >= 2, "a new epoch");
        } finally {
            sim.close();
        }
    }

    @Test
    void minoritySideStopsAndHealRestoresOneFellowship() {
        SimFellowship sim = new SimFellowship(4, 7);
        try {
            SimFellowship.Node c = form(sim, 5);
            // the coordinator and one member on the minority side
            List<SimFellowship.Node> members = c.membership().get().roster.members().stream()
                    .map(m -> sim.byId(m.node())).toList();
            SimFellowship.Node other = members.stream().filter(x -> x != c).findFirst().orElseThrow();
            sim.partition(Set.of(c, other));
            sim.clock.advance(30, TimeUnit.SECONDS);
            assertTrue(!c.membership().map(Membership::isCoordinator).orElse(false),
                    "the cut-off coordinator steps down");
            sim.heal();
            settle(sim, 5);
        } finally {
            sim.close();
        }
    }

    /**
     * The safety defect the property found on seed 2257 (fixed): two nodes came to hold rosters
     * naming different coordinators of epoch 3. A partition cut n4 and n1 off; the other side's
     * coordinator n3 shrank its roster to [n3,n2] one acknowledged change at a time (v9), while n4
     * and n1 still held v7 [n3,n2,n4,n1] and n1 voted for n4 in epoch 3. Then n3 and n1 crashed
     * and restarted, and a restart announces a leave: n4 left both out of the majority it needed
     * (2 of 3), yet counted n1's vote cast before, and won with n4 and n1, two members the other
     * side had removed; n2 won epoch 3 alone ([n3,n2] less n3). Fixed: a leaver is left out of an
     * election's majority only if it left holding exactly the candidate's roster and its last vote
     * was in an earlier epoch (votes are kept in the store before they are sent, so a restarted
     * node knows), and only the votes of that electorate count. The test fails before the fix (two
     * coordinators of epoch 3, found by the check after every task) and settles after it.
     */
    @Test
    void seed2257NeverTwoCoordinatorsOfOneEpoch() {
        SimFellowship sim = SimSchedules.run(2257);
        assertTrue(sim.coordinatorOf.size() >= 3, "the schedule went through epochs: " + sim.coordinatorOf.keySet());
    }

    /**
     * The one schedule of the default run that cannot settle, by the coordinator rule: a partition
     * leaves n3 and n5 on the minority side, holding [n0,n2,n3,n5] (v6), while n0 shrinks the
     * majority side's roster to [n0,n2] (v8). Then n0 and n2 crash (a restart forgets its
     * memberships): no member of the latest roster is left, and n3 and n5, two of four, are no
     * majority of theirs. What the schedule must do instead: nobody coordinates, and the two
     * orphans give the fellowship up (after {@link FellowshipEngine#ORPHAN_NANOS}) and release their
     * reservations.
     */
    @Test
    void seed1029LosesEveryMemberOfItsLatestRosterAndReleasesEverything() {
        SimFellowship sim = SimSchedules.play(1029);
        try {
            sim.clock.advance(SETTLE_SECONDS, TimeUnit.SECONDS);
            assertTrue(sim.nodes.stream().noneMatch(x -> x.membership().isPresent()), "nobody holds the fellowship");
            assertTrue(sim.nodes.stream().allMatch(x -> x.node.reserved.isEmpty()), "no reservation is left");
        } finally {
            sim.close();
        }
    }

    /**
     * The liveness defect of seed 2265 (fixed): two acting coordinators of different epochs side by
     * side for good (n0 of epoch 1, n4 of epoch 3). Cut off, n4 still held v6 and won epoch 2 with
     * the votes of n3 and n2, though n2 already held v7: a voter did not check that the
     * candidate's roster was as new as its own. After the heal n4's rosters failed the proof at the
     * members whose roster had moved on, and n4 could not remove them. Now a vote request names
     * the candidate's roster (epoch and version) and a voter holding a newer one refuses
     * ({@link Succession#upToDate}). Failed before the fix (did not settle); settles after it.
     */
    @Test
    void seed2265SettlesOnceVotersRefuseACandidateBehindThem() {
        assertTrue(settles(2265), "one coordinator and one agreed roster of the target size");
    }

    /**
     * What the fix of seed 2265 alone broke, on seed 1013: cut off, the old coordinator n0 kept a
     * roster behind n2's and stood for epoch after epoch; n2 refused each (the candidate is
     * behind), but its own candidacy came one epoch past its own vote only, so it never overtook
     * n0's epochs: n0 refused n2 as having voted for itself, and both gave the fellowship up after
     * a minute. Now a member stands one epoch past the highest any candidate asked it for
     * ({@code Membership.askedEpoch}), as a Raft node takes the higher term it hears of; n0 then
     * votes for n2. Did not settle without it.
     */
    @Test
    void seed1013TheUpToDateMemberOvertakesACandidateBehindIt() {
        assertTrue(settles(1013), "one coordinator and one agreed roster of the target size");
    }

    /**
     * Seed 2272 (fixed): n1 won epoch 5 with the bare majority of the electorate of its roster
     * [n1,n0,n4,n3] (n0 had left), its vote and n3's; n3 and n4 still held the roster before it
     * ([n0,n4,n3,n1,n2]: n2's removal never reached them), over which two votes are no majority, so
     * they refused every roster of n1's as unproven and gave the fellowship up after a minute. n4's
     * vote had come a moment after the win and was dropped. Now a vote that arrives after the win
     * joins the proof the coordinator's rosters carry. Did not settle before.
     */
    @Test
    void seed2272AVoteAfterTheWinJoinsTheProof() {
        assertTrue(settles(2272), "one coordinator and one agreed roster of the target size");
    }

    @Test
    void sameSeedSameTrace() {
        List<String> first = SimSchedules.run(77).trace;
        List<String> second = SimSchedules.run(77).trace;
        assertTrue(first.size() > 10, "a trace: " + first);
        assertEquals(first, second);
    }

    /**
     * The property: over many seeded schedules of crashes, restarts, partitions and heals, never
     * two coordinators of one epoch (checked after every task), and after the last heal one
     * coordinator and one agreed roster of the target size within {@link #SETTLE_SECONDS}.
     * {@code -Dsim.schedules=N} runs more.
     */
    /**
     * Seeds of the default run that cannot settle, each explained (see the test of its own and
     * docs/fellowship.md); any other seed that does not settle is a regression.
     */
    static final Set<Long> KNOWN_UNSETTLED = Set.of(1029L);

    /** Plays the schedule of {@code seed} and tells whether it settles within {@link #SETTLE_SECONDS}. */
    static boolean settles(long seed) {
        SimFellowship sim = SimSchedules.play(seed);
        try {
            return sim.clock.runUntil(() -> sim.settled(sim.size), 500, SETTLE_SECONDS, TimeUnit.SECONDS);
        } finally {
            sim.close();
        }
    }

    @Test
    void manySchedules() {
        int count = Integer.getInteger("sim.schedules", 200);
        long base = Long.getLong("sim.seed", 1000);
        java.util.List<Long> unsettled = new java.util.ArrayList<>();
        for (long s = base; s < base + count; s++) {
            if (!settles(s)) {
                unsettled.add(s);
            }
        }
        System.out.println("schedules " + count + " from seed " + base + "; not settled: " + unsettled);
        assertTrue(KNOWN_UNSETTLED.containsAll(unsettled), "schedules that did not settle: " + unsettled);
    }
}
