package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.ResourceQuery;

/**
 * Issue 6 point 8 on the Ring's simulated network: the real SWIM members and discovery on a
 * virtual clock, failures found by the Ring itself (no test says "dead"), partitions that cut
 * both the Ring and the fellowship channels. Every wait is for a condition, with a generous
 * limit; nothing depends on how fast the machine is.
 */
class SimNetworkFellowshipTest {

    static final FellowshipId F = new FellowshipId("sim-app");
    static final Resources SMALL = new Resources(500, 256L << 20, 1L << 30);
    static final Duration PATIENCE = Duration.ofSeconds(60);

    SimRingCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static FellowshipSpec spec(int size, Resources each) {
        return new FellowshipSpec(F, size, new ResourceQuery(each, Set.of(), Set.of(), Map.of(), Set.of(), 100), each,
                Duration.ofSeconds(5));
    }

    void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        Cluster.await(what, () -> {
            cluster.checkPump();
            return condition.getAsBoolean();
        }, PATIENCE);
    }

    Fellowship form(int size, Resources each) throws Exception {
        Fellowship f = cluster.node(0).engine.create(spec(size, each)).toCompletableFuture()
                .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        Roster r = f.roster();
        for (NodeId id : r.members().stream().map(m -> m.node()).toList()) {
            SimRingCluster.Node n = cluster.byId(id);
            await(n + " holds the roster", () -> n.fellowship(F).map(x -> x.roster().equals(r)).orElse(false));
            n.listen(F);
        }
        return f;
    }

    /** Every alive holder agrees on one roster of the target size, with one acting coordinator. */
    boolean settled(int size) {
        List<Roster> rosters = new ArrayList<>();
        int coordinators = 0;
        for (SimRingCluster.Node n : cluster.alive()) {
            Optional<Fellowship> f = n.fellowship(F);
            if (f.isPresent()) {
                rosters.add(f.get().roster());
                coordinators += f.get().isCoordinator() ? 1 : 0;
            }
        }
        return rosters.size() == size && rosters.stream().distinct().count() == 1
                && rosters.get(0).members().size() == size && coordinators == 1;
    }

    Roster agreed() {
        return cluster.alive().stream().map(n -> n.fellowship(F)).flatMap(Optional::stream).findFirst().orElseThrow()
                .roster();
    }

    static Set<NodeId> ids(List<Member> members) {
        return members.stream().map(Member::id).collect(Collectors.toSet());
    }

    @Test
    void givenRefusals_whenFounding_thenRefusersAreSkippedAndMembersAdvertiseTheirReservationUntilDissolved()
            throws Exception {
        // n1 and n2 contribute most, so discovery offers them first; both refuse.
        Resources big = new Resources(8000, 16L << 30, 200L << 30);
        cluster = new SimRingCluster(6, 11, i -> i == 1 || i == 2 ? big : SimRingCluster.CONTRIBUTED);
        SimRingCluster.Node founder = cluster.node(0);
        cluster.node(1).engine.updatePolicy(new AdmissionPolicy(8, 100, Set.of(), Set.of(founder.id()), Map.of()));
        cluster.node(2).engine.updatePolicy(new AdmissionPolicy(0, 100, Set.of(), Set.of(), Map.of()));
        Resources room = new Resources(3000, 6L << 30, 10L << 30); // three quarters of a normal node
        ResourceQuery roomy = new ResourceQuery(room, Set.of(), Set.of(), Map.of(), Set.of(), 100);
        List<Member> before = cluster.node(1).ring.find(roomy);
        assertEquals(ids(before.subList(0, 2)), Set.of(cluster.node(1).id(), cluster.node(2).id()),
                "the big nodes rank first");

        Fellowship f = form(3, room);

        Roster r = f.roster();
        assertEquals(3, r.members().size());
        assertFalse(r.contains(cluster.node(1).id()) || r.contains(cluster.node(2).id()), "refusers are not in " + r);
        assertEquals(Map.of(), cluster.node(1).engine.reservations());
        assertEquals(Map.of(), cluster.node(2).engine.reservations());
        List<SimRingCluster.Node> members = r.members().stream().map(m -> cluster.byId(m.node())).toList();
        Resources left = SimRingCluster.CONTRIBUTED.minus(room);
        for (SimRingCluster.Node m : members) {
            assertEquals(Map.of(Reservations.key(F), room), m.node.reserved(), "reserved in the node of " + m);
            for (SimRingCluster.Node observer : cluster.nodes) {
                if (observer != m) {
                    await(observer + " sees less free in the advert of " + m, () -> observer.advertOf(m)
                            .map(a -> a.free().equals(left) && a.contributed().equals(SimRingCluster.CONTRIBUTED))
                            .orElse(false));
                }
            }
        }
        // A member has no room left for another such fellowship: discovery no longer offers it.
        Set<NodeId> offered = ids(cluster.node(1).ring.find(roomy));
        Set<NodeId> memberIds = members.stream().map(SimRingCluster.Node::id).collect(Collectors.toSet());
        assertTrue(offered.stream().noneMatch(memberIds::contains), "offered " + offered + ", members " + memberIds);
        assertTrue(offered.contains(cluster.node(1).id()), "a node with room is still offered");

        f.dissolve();

        for (SimRingCluster.Node m : members) {
            await(m + " released its reservation", () -> m.node.reserved().isEmpty());
            for (SimRingCluster.Node observer : cluster.nodes) {
                if (observer != m) {
                    await(observer + " sees the advert of " + m + " restored", () -> observer.advertOf(m)
                            .map(a -> a.free().equals(SimRingCluster.CONTRIBUTED)).orElse(false));
                }
            }
        }
        await("discovery offers the former members again",
                () -> ids(cluster.node(1).ring.find(roomy)).containsAll(memberIds));
    }

    @Test
    void givenFormedFellowship_whenTheCoordinatorCrashes_thenTheRingFindsOutAndASuccessorTakesOverAndRefills()
            throws Exception {
        cluster = new SimRingCluster(5, 12);
        Fellowship f = form(3, SMALL);
        NodeId founder = cluster.node(0).id();
        NodeId successor = f.roster().members().get(1).node();
        long epoch = f.roster().epoch();

        cluster.crash(cluster.node(0));

        await("the fellowship settles at 3 members under a new coordinator",
                () -> settled(3) && !agreed().contains(founder));
        Roster r = agreed();
        assertEquals(successor, r.coordinator(), "the next member in roster order takes over");
        assertTrue(r.epoch() > epoch, "with a higher epoch");
        SimRingCluster.Node other = cluster.byId(f.roster().members().get(2).node());
        await(other + " heard the change of coordinator", () -> other.events.stream().anyMatch(
                e -> e.type() == FellowshipEvent.Type.COORDINATOR_CHANGED && e.member().equals(Optional.of(successor))));
        SimRingCluster.Node recruit = r.members().stream().map(m -> cluster.byId(m.node()))
                .filter(n -> !f.roster().contains(n.id())).findFirst().orElseThrow();
        assertEquals(Map.of(F, SMALL), recruit.engine.reservations());
        await("the others see the recruit's reservation in its advert", () -> cluster.byId(successor)
                .advertOf(recruit).map(a -> a.free().equals(SimRingCluster.CONTRIBUTED.minus(SMALL))).orElse(false));
    }

    @Test
    void givenFormedFellowship_whenAMemberCrashes_thenTheRingFindsOutAndTheCoordinatorRecruitsAReplacement()
            throws Exception {
        cluster = new SimRingCluster(5, 13);
        Roster original = form(3, SMALL).roster(); // the founder's fellowship: its roster changes, keep this one
        SimRingCluster.Node victim = cluster.byId(original.members().get(2).node());

        cluster.crash(victim);

        await("the fellowship is back at 3 members", () -> settled(3) && !agreed().contains(victim.id()));
        Roster r = agreed();
        assertEquals(cluster.node(0).id(), r.coordinator(), "the coordinator did not change");
        assertEquals(original.epoch(), r.epoch());
        SimRingCluster.Node witness = cluster.byId(original.members().get(1).node());
        NodeId spare = r.members().stream().map(m -> m.node()).filter(n -> !original.contains(n)).findFirst()
                .orElseThrow();
        await(witness + " heard the departure and the arrival", () -> witness.events.stream().anyMatch(
                e -> e.type() == FellowshipEvent.Type.MEMBER_LEFT && e.member().equals(Optional.of(victim.id())))
                && witness.events.stream().anyMatch(e -> e.type() == FellowshipEvent.Type.MEMBER_JOINED
                        && e.member().equals(Optional.of(spare))));
    }

    @Test
    void givenAPartitionOfRingAndChannels_whenTheMajorityElectsAndTheNetworkHeals_thenNeverTwoCoordinatorsInOneEpoch()
            throws Exception {
        cluster = new SimRingCluster(5, 14);
        form(5, SMALL);
        Map<Long, Set<NodeId>> coordinatorsByEpoch = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                for (SimRingCluster.Node n : cluster.alive()) {
                    n.fellowship(F).filter(Fellowship::isCoordinator).ifPresent(x -> coordinatorsByEpoch
                            .computeIfAbsent(x.roster().epoch(), e -> ConcurrentHashMap.newKeySet()).add(n.id()));
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        try {
            await("the watcher saw the founder coordinate epoch 1", () -> coordinatorsByEpoch.containsKey(1L));
            List<SimRingCluster.Node> minority = List.of(cluster.node(0), cluster.node(1));
            List<SimRingCluster.Node> majority = List.of(cluster.node(2), cluster.node(3), cluster.node(4));
            Map<SimRingCluster.Node, Integer> groups = new HashMap<>();
            majority.forEach(n -> groups.put(n, 1));
            cluster.partition(groups);

            await("the majority side has a coordinator of a new epoch", () -> majority.stream()
                    .anyMatch(n -> n.fellowship(F).map(x -> x.isCoordinator() && x.roster().epoch() > 1).orElse(false)));
            await("the old coordinator, in the minority, stepped down",
                    () -> !cluster.node(0).fellowship(F).map(Fellowship::isCoordinator).orElse(false));

            cluster.heal();

            // The Ring must merge again first, and a member invited while unreachable is not asked again for 30 s.
            Cluster.await("after the heal one roster, one coordinator, all five members again", () -> settled(5),
                    PATIENCE.multipliedBy(2));
        } finally {
            watching.set(false);
            watcher.join();
        }
        Map<Long, Set<NodeId>> seen = new HashMap<>(coordinatorsByEpoch);
        seen.forEach((epoch, who) -> assertEquals(1, who.size(), "coordinators of epoch " + epoch + ": " + who));
        assertTrue(seen.size() >= 2, "the coordinator changed at least once: " + seen.keySet());
    }

    /**
     * A candidate that accepted holds a reservation before it is in the roster. Here the founder
     * dissolves while one candidate is welcomed but stuck (its whole engine held in a listener,
     * so it acknowledges nothing) and the other has accepted and waits for its welcome, which the
     * founder sends only once the first acknowledged. The welcome timeout is ten minutes, so the
     * lease cannot be what releases them: the founder must tell every candidate it invited.
     */
    @Test
    void givenCandidatesWhoseWelcomeIsPending_whenTheFounderDissolves_thenNoReservationOutlivesTheFellowship()
            throws Exception {
        cluster = new SimRingCluster(3, 15, i -> SimRingCluster.CONTRIBUTED, Duration.ofMinutes(10));
        SimRingCluster.Node founder = cluster.node(0);
        List<SimRingCluster.Node> candidates = List.of(cluster.node(1), cluster.node(2));
        CountDownLatch hold = new CountDownLatch(1);
        Set<NodeId> held = holdOnceWelcomed(candidates, hold);
        try {
            var founding = founder.engine.create(spec(3, SMALL)).toCompletableFuture();
            await("one candidate was welcomed and is held", () -> held.size() == 1);
            await("both candidates accepted and reserved",
                    () -> candidates.stream().allMatch(c -> c.node.reserved().equals(Map.of(Reservations.key(F), SMALL))));
            SimRingCluster.Node waiting = candidates.stream().filter(c -> !held.contains(c.id())).findFirst()
                    .orElseThrow();
            assertTrue(waiting.engine.get(F).isEmpty(), waiting + " is not a member yet: its welcome is pending");
            assertFalse(founding.isDone(), "the founding waits for the held candidate's acknowledgement");

            founder.engine.get(F).orElseThrow().dissolve();

            await(waiting + " released the reservation it made on accepting", () -> waiting.node.reserved().isEmpty());
            await("the founding failed", founding::isCompletedExceptionally);
            for (SimRingCluster.Node observer : List.of(founder, cluster.byId(held.iterator().next()))) {
                await(observer + " sees the advert of " + waiting + " restored", () -> observer.advertOf(waiting)
                        .map(a -> a.free().equals(SimRingCluster.CONTRIBUTED)).orElse(false));
            }
        } finally {
            hold.countDown();
        }
        SimRingCluster.Node welcomed = cluster.byId(held.iterator().next());
        await(welcomed + " released its reservation once free again", () -> welcomed.node.reserved().isEmpty()
                && welcomed.engine.get(F).isEmpty());
        assertEquals(Map.of(), founder.node.reserved());
    }

    /**
     * The founder gives candidates 1 ms to answer, so it gives up on each before its answer
     * comes and the founding fails with nobody in the roster but itself; the candidates still
     * accept, and reserve, after that. With a ten-minute welcome timeout only the founder's
     * notice can release them in time.
     */
    @Test
    void givenCandidatesThatAcceptAfterTheFoundingGaveUp_whenItFails_thenEachIsToldAndReleasesItsReservation()
            throws Exception {
        cluster = new SimRingCluster(3, 17, i -> SimRingCluster.CONTRIBUTED, Duration.ofMinutes(10));
        SimRingCluster.Node founder = cluster.node(0);
        List<SimRingCluster.Node> candidates = List.of(cluster.node(1), cluster.node(2));
        Set<NodeId> accepted = ConcurrentHashMap.newKeySet();
        for (SimRingCluster.Node c : candidates) {
            c.node.listeners.add(info -> {
                if (c.node.reserved().containsKey(Reservations.key(F))) {
                    accepted.add(c.id());
                }
            });
        }
        FellowshipSpec hasty = new FellowshipSpec(F, 3, new ResourceQuery(SMALL, Set.of(), Set.of(), Map.of(),
                Set.of(), 100), SMALL, Duration.ofMillis(1));

        ExecutionException failed = assertThrows(
                ExecutionException.class, () -> founder.engine.create(hasty).toCompletableFuture()
                        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("no answer"), failed.getCause().getMessage());

        await("both candidates accepted, after the founder gave up on them", () -> accepted.size() == 2);
        for (SimRingCluster.Node c : candidates) {
            await(c + " released the reservation it made on accepting", () -> c.node.reserved().isEmpty());
            await(founder + " sees the advert of " + c + " whole again", () -> founder.advertOf(c)
                    .map(a -> a.free().equals(SimRingCluster.CONTRIBUTED)).orElse(false));
            assertTrue(c.engine.get(F).isEmpty());
        }
    }

    /** An accepted invitation whose welcome never comes (the founder crashed) is a lease: it runs out. */
    @Test
    void givenAnAcceptedInvitation_whenTheFounderCrashesBeforeTheWelcome_thenTheReservationIsReleased()
            throws Exception {
        // ten minutes of welcome timeout: only the Ring's news of the founder's death can release it in time
        cluster = new SimRingCluster(3, 16, i -> SimRingCluster.CONTRIBUTED, Duration.ofMinutes(10));
        SimRingCluster.Node founder = cluster.node(0);
        List<SimRingCluster.Node> candidates = List.of(cluster.node(1), cluster.node(2));
        CountDownLatch hold = new CountDownLatch(1);
        Set<NodeId> held = holdOnceWelcomed(candidates, hold);
        try {
            founder.engine.create(spec(3, SMALL));
            await("one candidate was welcomed and is held", () -> held.size() == 1);
            await("both candidates accepted and reserved",
                    () -> candidates.stream().allMatch(c -> !c.node.reserved().isEmpty()));
            SimRingCluster.Node waiting = candidates.stream().filter(c -> !held.contains(c.id())).findFirst()
                    .orElseThrow();

            cluster.crash(founder);

            await(waiting + " released the reservation of a welcome that will not come",
                    () -> waiting.node.reserved().isEmpty());
            assertTrue(waiting.engine.get(F).isEmpty());
        } finally {
            hold.countDown();
        }
    }

    /**
     * Makes each candidate's engine stop in a listener once it is welcomed into {@link #F}, until
     * {@code hold} is released: it then handles nothing, and acknowledges nothing.
     *
     * @return the candidates held so far
     */
    static Set<NodeId> holdOnceWelcomed(List<SimRingCluster.Node> candidates, CountDownLatch hold) {
        Set<NodeId> held = ConcurrentHashMap.newKeySet();
        for (SimRingCluster.Node c : candidates) {
            c.engine.addListener(e -> {
                if (e.fellowship().equals(F) && e.type() == FellowshipEvent.Type.MEMBER_JOINED
                        && e.member().equals(Optional.of(c.id()))) {
                    held.add(c.id());
                    try {
                        hold.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
        return held;
    }
}
