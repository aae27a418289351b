package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.ResourceQuery;

class FellowshipFormationTest {

    static final FellowshipId F = new FellowshipId("calc");
    static final Resources ONE_CORE = new Resources(1000, 1L << 30, 1L << 30);

    Cluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static FellowshipSpec spec(int size, Map<String, String> labels) {
        return new FellowshipSpec(F, size, new ResourceQuery(ONE_CORE, Set.of(), Set.of(), labels, Set.of(), 100),
                ONE_CORE, Duration.ofSeconds(5));
    }

    static Fellowship found(Cluster.Node founder, FellowshipSpec spec) throws Exception {
        return founder.engine.create(spec).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void givenSomeCandidatesRefuse_whenFounding_thenTheRefusersAreSkippedAndEveryMemberHoldsTheSignedRoster()
            throws Exception {
        cluster = new Cluster(5);
        // n1 refuses this founder; n2 lends only 10% (less than the one core of four asked); n3 and n4 accept.
        cluster.node(1).engine.updatePolicy(new AdmissionPolicy(8, 100, Set.of(), Set.of(cluster.node(0).id()),
                Map.of()));
        cluster.node(2).engine.updatePolicy(new AdmissionPolicy(8, 10, Set.of(), Set.of(), Map.of()));

        Fellowship f = found(cluster.node(0), spec(3, Map.of()));

        Roster r = f.roster();
        assertEquals(3, r.members().size());
        assertTrue(r.contains(cluster.node(0).id()));
        assertTrue(r.contains(cluster.node(3).id()));
        assertTrue(r.contains(cluster.node(4).id()));
        assertTrue(f.isCoordinator());
        assertEquals(cluster.node(0).id(), r.coordinator());
        for (int i : new int[] {3, 4}) {
            Cluster.Node n = cluster.node(i);
            Cluster.await(n + " holds the latest roster",
                    () -> n.fellowship(F).map(x -> x.roster().equals(r)).orElse(false));
            assertEquals(Map.of(F, ONE_CORE), n.engine.reservations(), "reserved on " + n);
            assertFalse(n.fellowship(F).orElseThrow().isCoordinator());
        }
        for (int i : new int[] {1, 2}) {
            assertTrue(cluster.node(i).fellowship(F).isEmpty());
            assertEquals(Map.of(), cluster.node(i).engine.reservations(), "nothing reserved on a refuser");
        }
        assertEquals(Map.of(F, ONE_CORE), cluster.node(0).engine.reservations());
    }

    @Test
    void givenTargetSizeOne_whenFounding_thenTheFounderAloneFormsItAtOnce() throws Exception {
        cluster = new Cluster(1);
        Fellowship f = found(cluster.node(0), spec(1, Map.of()));
        assertEquals(1, f.roster().members().size());
        assertTrue(f.isCoordinator());
        assertEquals(java.util.List.of(f), cluster.node(0).engine.list());
    }

    @Test
    void givenACandidateThatNeverAnswers_whenFounding_thenItTimesOutAndTheNextCandidateIsInvited() throws Exception {
        cluster = new Cluster(4);
        // The candidate ranked first by the Ring (lowest id) is dead, but the Ring does not know yet.
        Cluster.Node founder = cluster.node(0);
        Cluster.Node mute = cluster.nodes.stream().filter(n -> n != founder)
                .min((x, y) -> x.id().compareTo(y.id())).orElseThrow();
        cluster.silence(mute);
        FellowshipSpec quick = new FellowshipSpec(F, 3, new ResourceQuery(ONE_CORE, Set.of(), Set.of(), Map.of(),
                Set.of(), 100), ONE_CORE, Duration.ofMillis(1500));
        Fellowship f = found(founder, quick);
        assertFalse(f.roster().contains(mute.id()));
        assertEquals(3, f.roster().members().size());
    }

    @Test
    void givenTooFewWillingCandidates_whenFounding_thenItFailsWithTheRefusalsAndReleasesEveryReservation()
            throws Exception {
        // n1 and n2 require a label the fellowship does not carry.
        cluster = new Cluster(4, i -> i == 1 || i == 2
                ? new AdmissionPolicy(8, 100, Set.of(), Set.of(), Map.of("project", "x"))
                : AdmissionPolicy.OPEN);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> cluster.node(0).engine.create(spec(4, Map.of())).toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertInstanceOf(FellowshipException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("project=x"), e.getCause().getMessage());
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await("no reservation left on " + n, () -> n.engine.reservations().isEmpty()
                    && n.fellowship(F).isEmpty());
        }
    }

    @Test
    void givenRequiredLabelCarried_whenFounding_thenThePickyCandidateAccepts() throws Exception {
        cluster = new Cluster(2, i -> i == 1 ? new AdmissionPolicy(8, 100, Set.of(), Set.of(), Map.of("project", "x"))
                : AdmissionPolicy.OPEN);
        // Every advert carries project=x; the first spec does not ask for it, so n1 refuses.
        cluster.world.records.replaceAll((id, m) -> new Member(m.id(), m.name(), m.address(), m.incarnation(),
                m.state(), new ResourceAdvert(m.advert().contributed(), m.advert().free(), m.advert().drivers(),
                        m.advert().runtimes(), plus(m.advert().labels(), "project", "x"))));
        FellowshipSpec s = new FellowshipSpec(F, 2, new ResourceQuery(ONE_CORE, Set.of(), Set.of(), Map.of(), Set.of(),
                100), ONE_CORE, Duration.ofSeconds(5));
        assertThrows(ExecutionException.class,
                () -> cluster.node(0).engine.create(s).toCompletableFuture().get(30, TimeUnit.SECONDS));
        Cluster.await("the failed attempt is gone", () -> cluster.node(0).engine.get(F).isEmpty()
                && cluster.node(0).engine.reservations().isEmpty());
        Fellowship f = found(cluster.node(0), spec(2, Map.of("project", "x")));
        assertTrue(f.roster().contains(cluster.node(1).id()));
    }

    static Map<String, String> plus(Map<String, String> m, String k, String v) {
        java.util.Map<String, String> out = new java.util.HashMap<>(m);
        out.put(k, v);
        return out;
    }

    @Test
    void givenFellowship_whenDissolved_thenEveryMemberReleasesItsReservationAndHearsDissolved() throws Exception {
        cluster = new Cluster(3);
        Fellowship f = found(cluster.node(0), spec(3, Map.of()));
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await(n + " is a member", () -> n.fellowship(F).isPresent());
            n.listen(F);
        }
        assertThrows(FellowshipException.class, () -> cluster.node(1).fellowship(F).orElseThrow().dissolve(),
                "only the coordinator may dissolve");
        f.dissolve();
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await(n + " released", () -> n.engine.reservations().isEmpty() && n.fellowship(F).isEmpty());
            Cluster.await(n + " heard DISSOLVED", () -> n.events.stream()
                    .anyMatch(e -> e.type() == org.ringfellow.api.fellowship.FellowshipEvent.Type.DISSOLVED));
        }
    }
}
