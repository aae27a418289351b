package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.fellowship.internal.Succession.Step;
import org.ringfellow.fellowship.internal.wire.Frame;

/** The succession rules without an engine, a network or a clock. */
class SuccessionTest {

    static final FellowshipId F = new FellowshipId("succession");
    static final TestIdentity A = TestIdentity.named("a");
    static final TestIdentity B = TestIdentity.named("b");
    static final TestIdentity C = TestIdentity.named("c");
    static final TestIdentity D = TestIdentity.named("d");
    static final long T = 2_000_000_000L; // the vote timeout, 2 s

    static Roster roster(long version, long epoch, TestIdentity coordinator, TestIdentity... members) {
        return new Roster(F, version, epoch, coordinator.id(), List.of(members).stream()
                .map(x -> new FellowshipMember(x.id(), Base64.getEncoder().encodeToString(x.publicKey()),
                        new Endpoint("10.0.0.1", 1)))
                .toList());
    }

    static Frame.Leave left(Roster held, long voted) {
        return new Frame.Leave(F, held.epoch(), held.version(), voted);
    }

    @Test
    void aLeaverIsOutOfTheElectorateOnlyIfItHeldThisRosterAndVotedInAnEarlierEpoch() {
        Roster r = roster(7, 2, A, A, B, C, D);
        assertEquals(List.of(A.id(), B.id(), C.id()), Succession.electorate(r, Map.of(D.id(), left(r, 2)), 3));
        // it voted in epoch 3 before it left: in the electorate of 3, not of 4
        assertEquals(List.of(A.id(), B.id(), C.id(), D.id()), Succession.electorate(r, Map.of(D.id(), left(r, 3)), 3));
        assertEquals(List.of(A.id(), B.id(), C.id()), Succession.electorate(r, Map.of(D.id(), left(r, 3)), 4));
        // it held another roster (a later one: it may have acknowledged what this node never saw)
        assertEquals(4, Succession.electorate(r, Map.of(D.id(), left(roster(9, 2, A, A, B, D), 2)), 3).size());
        assertEquals(4, Succession.electorate(r, Map.of(D.id(), left(roster(7, 3, A, A, B, C, D), 3)), 4).size());
        // restarted without a kept vote
        assertEquals(4, Succession.electorate(r, Map.of(D.id(), left(r, Frame.Leave.UNKNOWN_VOTE)), 99).size());
    }

    @Test
    void aVoterGrantsOnlyToACandidateWhoseRosterIsAtLeastAsNewAsItsOwn() {
        Roster mine = roster(7, 1, A, A, B, C);
        assertTrue(Succession.upToDate(1, 7, mine), "the same roster");
        assertTrue(Succession.upToDate(1, 8, mine), "a later version of the same epoch");
        assertTrue(Succession.upToDate(2, 3, mine), "a later epoch, whatever its version");
        // seed 2265 in small: the candidate was cut off holding v6 while the voter got v7
        assertFalse(Succession.upToDate(1, 6, mine), "one change behind");
        assertFalse(Succession.upToDate(0, 99, roster(7, 2, A, A, B, C)), "an earlier epoch");
    }

    @Test
    void onlyTheElectoratesVotesCount() {
        // Seed 2257 in small: the candidate b holds [a,b,c,d]; c voted for it and then restarted
        // (votes kept: epoch 3), a left holding a later roster. Two votes, b's and c's, are no
        // majority of the electorate {a,b,c,d}; with a and c simply left out they were 2 of 2.
        Roster r = roster(7, 2, A, A, B, C, D);
        Map<NodeId, Frame.Leave> leaves = Map.of(A.id(), left(roster(9, 2, A, A, B), 2), C.id(), left(r, 3));
        List<NodeId> electorate = Succession.electorate(r, leaves, 3);
        assertEquals(List.of(A.id(), B.id(), C.id(), D.id()), electorate);
        assertFalse(Succession.won(Set.of(B.id(), C.id()), electorate));
        assertTrue(Succession.won(Set.of(B.id(), C.id(), D.id()), electorate));
        // a vote from outside the electorate does not count
        List<NodeId> three = Succession.electorate(r, Map.of(D.id(), left(r, 2)), 3);
        assertFalse(Succession.won(Set.of(B.id(), D.id()), three));
        assertTrue(Succession.won(Set.of(B.id(), C.id()), three));
    }

    @Test
    void acknowledgementsLeaveOutEveryLeaver() {
        Roster r = roster(4, 1, A, A, B, C);
        List<NodeId> ackers = Succession.ackers(r, Set.of(C.id()));
        assertEquals(List.of(A.id(), B.id()), ackers);
        assertEquals(2, Succession.majority(ackers));
        assertEquals(1, Succession.majority(List.of(A.id())));
    }

    @Test
    void theRankSkipsTheDeadTheLeaversAndTheCoordinatorUnlessItStandsItself() {
        Roster r = roster(4, 1, A, A, B, C, D);
        Set<NodeId> alive = Set.of(A.id(), C.id(), D.id());
        assertEquals(0, Succession.rank(r, C.id(), Set.of(), alive::contains)); // a coordinates, b is dead
        assertEquals(1, Succession.rank(r, D.id(), Set.of(), alive::contains));
        assertEquals(0, Succession.rank(r, D.id(), Set.of(C.id()), alive::contains));
        assertEquals(-1, Succession.rank(r, B.id(), Set.of(), alive::contains));
        assertEquals(0, Succession.rank(r, A.id(), Set.of(), alive::contains)); // a stepped down
    }

    @Test
    void theNextStepWaitsItsTurnAsksAgainAndMovesOnToTheNextEpoch() {
        long never = Long.MIN_VALUE / 2;
        // rank 1 waits 3 vote timeouts after the coordinator was seen gone
        assertEquals(Step.WAIT, Succession.next(1, 3 * T - 1, 0, T, Optional.empty(), 1, never));
        assertEquals(Step.NEW_EPOCH, Succession.next(1, 3 * T, 0, T, Optional.empty(), 1, never));
        assertEquals(Step.NEW_EPOCH, Succession.next(0, 0, 0, T, Optional.empty(), 1, never));
        assertEquals(Step.WAIT, Succession.next(-1, 100 * T, 0, T, Optional.empty(), 1, never));
        // having just voted for another candidate, it gives it two vote timeouts
        assertEquals(Step.WAIT, Succession.next(0, 10 * T, 0, T, Optional.empty(), 2, 9 * T));
        assertEquals(Step.NEW_EPOCH, Succession.next(0, 11 * T, 0, T, Optional.empty(), 2, 9 * T));
        // an election asks once per vote timeout, 3 times (+1 per rank), then the next epoch
        Membership.Election e = new Membership.Election(2);
        e.askedAtNanos = 10 * T;
        e.asks = 1;
        assertEquals(Step.WAIT, Succession.next(0, 10 * T + T / 2, 0, T, Optional.of(e), 2, never));
        assertEquals(Step.ASK_AGAIN, Succession.next(0, 11 * T, 0, T, Optional.of(e), 2, never));
        e.asks = 3;
        assertEquals(Step.NEW_EPOCH, Succession.next(0, 11 * T, 0, T, Optional.of(e), 2, never));
        assertEquals(Step.ASK_AGAIN, Succession.next(1, 11 * T, 0, T, Optional.of(e), 2, never));
        // it voted for someone else in a later epoch meanwhile: its own election is over
        e.asks = 1;
        assertEquals(Step.NEW_EPOCH, Succession.next(0, 11 * T, 0, T, Optional.of(e), 3, never));
    }
}
