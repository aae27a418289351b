package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.RecruiterTest.FakeLink;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;

/** Roster changes without an engine: as coordinator A, or as member B. */
class RosterChangesTest {

    static final TestIdentity A = SuccessionTest.A;
    static final TestIdentity B = SuccessionTest.B;
    static final TestIdentity C = SuccessionTest.C;
    static final TestIdentity D = SuccessionTest.D;

    /** The engine as roster changes see it, and the events the memberships emit. */
    final class FakeHost implements RosterChanges.Host, Membership.Owner {
        final TestIdentity self;
        long now = 1_000_000_000L;
        final Set<NodeId> dead = new HashSet<>();
        boolean judging = true;
        final Map<NodeId, FakeLink> links = new HashMap<>();
        final List<Long> kept = new ArrayList<>();
        final List<FellowshipEvent.Type> dropped = new ArrayList<>();
        final List<NodeId> removed = new ArrayList<>();
        int recruits;
        int checks;
        final List<String> violations = new ArrayList<>();
        int stale;
        int unproven;
        final List<String> events = new ArrayList<>();

        FakeHost(TestIdentity self) {
            this.self = self;
        }

        @Override
        public NodeId self() {
            return self.id();
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public Link linkTo(Membership m, FellowshipMember member) {
            return links.computeIfAbsent(member.node(), n -> new FakeLink(RecruiterTest.byId(n), m.purpose, false));
        }

        @Override
        public boolean alive(NodeId node) {
            return !dead.contains(node);
        }

        @Override
        public boolean judging() {
            return judging;
        }

        @Override
        public void keep(Membership m) {
            kept.add(m.roster.version());
        }

        @Override
        public void drop(Membership m, FellowshipEvent.Type why) {
            m.gone = true;
            dropped.add(why);
        }

        @Override
        public void removed(Membership m, NodeId member) {
            removed.add(member);
        }

        @Override
        public void recruit(Membership m) {
            recruits++;
        }

        @Override
        public void check(Membership m) {
            checks++;
        }

        @Override
        public void violation(Link link, String what) {
            violations.add(what);
        }

        @Override
        public void stale() {
            stale++;
        }

        @Override
        public void unproven() {
            unproven++;
        }

        // Membership.Owner

        @Override
        public void toWatchers(FellowshipEvent event) {
            events.add(event.type() + " " + event.member().map(n -> RecruiterTest.byId(n) == A ? "a"
                    : RecruiterTest.byId(n) == B ? "b" : RecruiterTest.byId(n) == C ? "c" : "d").orElse("-"));
        }

        @Override
        public void send(Membership m, NodeId to, String topic, byte[] payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void broadcast(Membership m, String topic, byte[] payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<FellowshipMessage> request(Membership m, NodeId to, String topic, byte[] payload,
                Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reply(Membership m, FellowshipMessage request, byte[] payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void leave(Membership m) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dissolve(Membership m) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void resize(Membership m, int targetSize) {
            throw new UnsupportedOperationException();
        }

        FakeLink link(TestIdentity to) {
            return links.get(to.id());
        }
    }

    FakeHost host;
    RosterChanges changes;

    static FellowshipSpec spec(int size) {
        return new FellowshipSpec(SuccessionTest.F, size, new ResourceQuery(RecruiterTest.SMALL, Set.of(), Set.of(),
                Map.of(), Set.of(), 100), RecruiterTest.SMALL, Duration.ofSeconds(5));
    }

    /** This node ({@code self}) holds {@code r}; as its coordinator, it acts. */
    Membership holding(TestIdentity self, int size, Roster r) {
        host = new FakeHost(self);
        changes = new RosterChanges(host, new RosterSignatures(self));
        Membership m = new Membership(host, spec(size), r, new RosterSignatures(RecruiterTest.byId(r.coordinator()))
                .sign(r));
        m.acting = r.coordinator().equals(self.id());
        return m;
    }

    static Frame.RosterUpdate signed(TestIdentity signer, Roster r, Map<NodeId, byte[]> votes) {
        return new Frame.RosterUpdate(r, new RosterSignatures(signer).sign(r), votes);
    }

    static Roster last(FakeLink link) {
        return assertInstanceOf(Frame.RosterUpdate.class, link.sent.get(link.sent.size() - 1)).roster();
    }

    @Test
    void aJoinWaitsForTheLastRosterToBeAcknowledgedByAMajority() {
        Membership m = holding(A, 4, SuccessionTest.roster(2, 1, A, A, B, C));
        FakeLink welcome = new FakeLink(D, Purpose.INVITE, false);
        m.joins.add(new Membership.PendingJoin(SuccessionTest.roster(1, 1, A, D).members().get(0), welcome));
        changes.advance(m);
        assertEquals(2, m.roster.version(), "only this node holds version 2: no majority of three");
        assertFalse(changes.committed(m));

        changes.onAck(m, B.id(), new Frame.Ack(m.id, 1, 2));
        Roster r = m.roster;
        assertEquals(3, r.version());
        assertEquals(List.of(A.id(), B.id(), C.id(), D.id()), r.members().stream().map(FellowshipMember::node).toList());
        assertEquals(r, assertInstanceOf(Frame.RosterUpdate.class, welcome.sent.get(0)).roster(),
                "the joiner's welcome goes on its invitation link");
        Frame.RosterUpdate toB = assertInstanceOf(Frame.RosterUpdate.class, host.link(B).sent.get(0));
        assertTrue(new RosterSignatures(B).verify(toB.roster(), toB.signature()), "signed by this coordinator");
        assertEquals(r, last(host.link(C)));
        assertEquals(List.of(3L), host.kept);
        assertTrue(host.events.contains("MEMBER_JOINED d"));
        assertTrue(m.joins.isEmpty());
        assertTrue(host.recruits > 0, "a join may complete the founding");
    }

    @Test
    void anAcknowledgementOfAnotherEpochIsNotCounted() {
        Membership m = holding(A, 3, SuccessionTest.roster(2, 1, A, A, B, C));
        changes.onAck(m, B.id(), new Frame.Ack(m.id, 7, 2));
        assertFalse(changes.committed(m));
        changes.onAck(m, B.id(), new Frame.Ack(m.id, 1, 2));
        assertTrue(changes.committed(m));
    }

    @Test
    void aMemberThatAnnouncedItsLeaveIsRemovedAndTold() {
        Membership m = holding(A, 3, SuccessionTest.roster(2, 1, A, A, B, C));
        m.acked.put(B.id(), 2L);
        changes.onLeave(m, C.id(), new Frame.Leave(m.id, 1, 2, 1));
        assertEquals(List.of(A.id(), B.id()), m.roster.members().stream().map(FellowshipMember::node).toList());
        assertEquals(m.roster, last(host.link(C)), "the removed member hears it, if it still can");
        assertEquals(List.of(C.id()), host.removed);
        assertTrue(host.events.contains("MEMBER_LEFT c"));
        assertTrue(m.former.containsKey(C.id()), "a former member may still deliver a roster of a later epoch");
        assertTrue(m.tried.containsKey(C.id()), "not invited straight back");
        assertTrue(host.recruits > 0);
    }

    @Test
    void aMemberThatLeavesWhileThisNodeIsNotCoordinatorStartsTheCheck() {
        Membership m = holding(B, 3, SuccessionTest.roster(2, 1, A, A, B, C));
        changes.onLeave(m, A.id(), new Frame.Leave(m.id, 1, 2, 1));
        assertEquals(1, host.checks);
        assertEquals(2, m.roster.version());
    }

    @Test
    void aDeadMemberIsRemovedOnlyWhileTheRingRuns() {
        Membership m = holding(A, 3, SuccessionTest.roster(2, 1, A, A, B, C));
        m.acked.put(B.id(), 2L);
        host.dead.add(C.id());
        host.judging = false;
        changes.advance(m);
        assertEquals(2, m.roster.version(), "a down Ring knows nobody: nobody is judged");
        host.judging = true;
        changes.advance(m);
        assertFalse(m.roster.contains(C.id()));
    }

    @Test
    void aSilentMemberIsRemovedAfterFifteenSeconds() {
        Membership m = holding(A, 3, SuccessionTest.roster(2, 1, A, A, B, C));
        m.acked.put(B.id(), 2L);
        changes.advance(m);
        host.now += RosterChanges.SILENCE_NANOS;
        changes.onAck(m, B.id(), new Frame.Ack(m.id, 1, 2));
        assertEquals(2, m.roster.version(), "silent for exactly the limit");
        host.now += 1;
        changes.onAck(m, B.id(), new Frame.Ack(m.id, 1, 2));
        assertEquals(List.of(A.id(), B.id()), m.roster.members().stream().map(FellowshipMember::node).toList(),
                "C acknowledged nothing; B did");
    }

    @Test
    void shrinkingRemovesTheLastMemberInRosterOrderOnePerAcknowledgedRoster() {
        Membership m = holding(C, 4, SuccessionTest.roster(2, 1, C, A, B, C, D));
        m.acked.putAll(Map.of(A.id(), 2L, B.id(), 2L, D.id(), 2L));
        changes.retarget(m, 2);
        assertEquals(2, m.spec.targetSize());
        assertEquals(List.of(A.id(), B.id(), C.id()), m.roster.members().stream().map(FellowshipMember::node).toList(),
                "D goes first");
        changes.advance(m);
        assertEquals(3, m.roster.version(), "the next one waits for a majority to hold version 3");
        changes.onAck(m, A.id(), new Frame.Ack(m.id, 1, 3));
        assertEquals(List.of(A.id(), C.id()), m.roster.members().stream().map(FellowshipMember::node).toList(),
                "B next; never the coordinator");
        long v = m.roster.version();
        changes.retarget(m, 2);
        assertEquals(v, m.roster.version(), "the same size changes nothing");
    }

    @Test
    void aMemberInstallsAndAcknowledgesItsCoordinatorsNextRoster() {
        Membership m = holding(B, 3, SuccessionTest.roster(1, 1, A, A, B));
        FakeLink fromA = new FakeLink(A, m.purpose, true);
        changes.onRoster(m, fromA, signed(A, SuccessionTest.roster(2, 1, A, A, B, C), Map.of()));
        assertEquals(2, m.roster.version());
        assertEquals(List.of(2L), host.kept);
        Frame.Ack ack = assertInstanceOf(Frame.Ack.class, host.link(A).sent.get(0));
        assertEquals(new Frame.Ack(m.id, 1, 2), ack);
        assertEquals(List.of("MEMBER_JOINED c"), host.events);

        changes.onRoster(m, fromA, signed(A, SuccessionTest.roster(2, 1, A, A, B, C), Map.of()));
        assertEquals(2, host.link(A).sent.size(), "the refresh is acknowledged again");
        assertEquals(List.of(2L), host.kept, "and changes nothing");
    }

    @Test
    void aRosterNotSignedByTheCoordinatorThatSentItOrOlderIsDropped() {
        Membership m = holding(B, 3, SuccessionTest.roster(3, 1, A, A, B, C));
        changes.onRoster(m, new FakeLink(C, m.purpose, true), signed(C, SuccessionTest.roster(4, 1, A, A, B, C),
                Map.of()));
        changes.onRoster(m, new FakeLink(A, m.purpose, true), signed(C, SuccessionTest.roster(4, 1, A, A, B, C),
                Map.of()));
        assertEquals(2, host.violations.size(), "sent by another member; signed by another");
        changes.onRoster(m, new FakeLink(A, m.purpose, true), signed(A, SuccessionTest.roster(2, 1, A, A, B, C),
                Map.of()));
        assertEquals(1, host.stale);
        assertEquals(3, m.roster.version());
    }

    @Test
    void aNewEpochIsInstalledOnlyWithTheSignedVotesOfAMajority() {
        Membership m = holding(B, 3, SuccessionTest.roster(3, 1, A, A, B, C));
        Roster next = SuccessionTest.roster(4, 2, C, A, B, C);
        FakeLink fromC = new FakeLink(C, m.purpose, true);
        changes.onRoster(m, fromC, signed(C, next, Map.of(C.id(), new RosterSignatures(C).vote(m.id, 2, C.id()))));
        assertEquals(1, host.unproven, "one vote of three");
        assertEquals(3, m.roster.version());

        Map<NodeId, byte[]> votes = Map.of(C.id(), new RosterSignatures(C).vote(m.id, 2, C.id()),
                A.id(), new RosterSignatures(A).vote(m.id, 2, C.id()));
        changes.onRoster(m, fromC, signed(C, next, votes));
        assertEquals(next, m.roster);
        assertEquals(2, m.votedEpoch);
        assertTrue(host.events.contains("COORDINATOR_CHANGED c"));
        assertEquals(new Frame.Ack(m.id, 2, 4), host.link(C).sent.get(0), "acknowledged to the new coordinator");
    }

    @Test
    void aRosterWithoutThisNodeEndsItsMembership() {
        Membership m = holding(B, 3, SuccessionTest.roster(3, 1, A, A, B, C));
        changes.onRoster(m, new FakeLink(A, m.purpose, true), signed(A, SuccessionTest.roster(4, 1, A, A, C),
                Map.of()));
        assertEquals(List.of(FellowshipEvent.Type.MEMBER_LEFT), host.dropped);
        assertTrue(host.kept.isEmpty(), "nothing kept of a fellowship left");
    }

    @Test
    void onlyTheCoordinatorOfTheEpochHeldDissolves() {
        Membership m = holding(B, 3, SuccessionTest.roster(3, 2, A, A, B, C));
        changes.onDissolve(m, C.id(), new Frame.Dissolve(m.id, 2));
        changes.onDissolve(m, A.id(), new Frame.Dissolve(m.id, 1));
        assertEquals(2, host.stale);
        assertTrue(host.dropped.isEmpty());
        changes.onDissolve(m, A.id(), new Frame.Dissolve(m.id, 2));
        assertEquals(List.of(FellowshipEvent.Type.DISSOLVED), host.dropped);
    }

    @Test
    void aBroadcastReachesEveryOtherMember() {
        Membership m = holding(B, 3, SuccessionTest.roster(3, 1, A, A, B, C));
        changes.broadcast(m, new Frame.Dissolve(m.id, 1));
        assertEquals(Set.of(A.id(), C.id()), host.links.keySet());
        assertEquals(Optional.of(new Frame.Dissolve(m.id, 1)), host.link(C).sent.stream().findFirst());
    }
}
