package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.RecruiterTest.FakeLink;
import org.ringfellow.fellowship.internal.RecruiterTest.Scheduled;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;

/** The candidate's side of recruitment without an engine: node B, invited by A. */
class InvitationsTest {

    static final TestIdentity A = SuccessionTest.A;
    static final TestIdentity B = SuccessionTest.B;
    static final TestIdentity C = SuccessionTest.C;
    static final FellowshipId F = SuccessionTest.F;
    static final Resources SMALL = RecruiterTest.SMALL;
    static final Endpoint ME = new Endpoint("10.0.0.2", 7000);

    /** The engine as a candidate sees it. */
    final class FakeHost implements Invitations.Host {
        long now = 1_000_000_000L;
        final List<Scheduled> scheduled = new ArrayList<>();
        final Map<FellowshipId, Membership> memberships = new HashMap<>();
        /** What the admission policy says, and the count of fellowships it was given. */
        Optional<String> policy = Optional.empty();
        final List<Integer> policyAsked = new ArrayList<>();
        RuntimeException reserveFails;
        final List<FellowshipId> reserved = new ArrayList<>();
        final List<FellowshipId> released = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        final List<Frame.RosterUpdate> joined = new ArrayList<>();
        final List<Membership> dissolved = new ArrayList<>();

        @Override
        public NodeId self() {
            return B.id();
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void schedule(String what, Runnable task, long delayMillis) {
            scheduled.add(new Scheduled(what, task, delayMillis));
        }

        @Override
        public Optional<Membership> membership(FellowshipId id) {
            return Optional.ofNullable(memberships.get(id));
        }

        @Override
        public int memberships() {
            return memberships.size();
        }

        @Override
        public Optional<String> refusal(NodeId founder, FellowshipSpec spec, int count) {
            policyAsked.add(count);
            return policy;
        }

        @Override
        public void reserve(FellowshipId id, Resources reservation) {
            if (reserveFails != null) {
                throw reserveFails;
            }
            assertEquals(SMALL, reservation);
            reserved.add(id);
        }

        @Override
        public void release(FellowshipId id) {
            released.add(id);
        }

        @Override
        public Endpoint advertised() {
            return ME;
        }

        @Override
        public Duration welcomeTimeout() {
            return Duration.ofSeconds(30);
        }

        @Override
        public void violation(Link link, String what) {
            violations.add(what);
        }

        @Override
        public void joined(FellowshipSpec spec, Frame.RosterUpdate welcome) {
            joined.add(welcome);
        }

        @Override
        public void dissolved(Membership m) {
            dissolved.add(m);
        }

        void run(String what) {
            List<Scheduled> due = scheduled.stream().filter(s -> s.what().equals(what)).toList();
            scheduled.removeAll(due);
            due.forEach(s -> s.task().run());
        }
    }

    final FakeHost host = new FakeHost();
    final Invitations invitations = new Invitations(host, new RosterSignatures(B));
    final FakeLink fromA = new FakeLink(A, Purpose.INVITE, true);

    static FellowshipSpec spec(FellowshipId id) {
        return new FellowshipSpec(id, 3, new ResourceQuery(SMALL, Set.of(), Set.of(), Map.of(), Set.of(), 100), SMALL,
                Duration.ofSeconds(5));
    }

    static Frame.Invite invite(TestIdentity founder, TestIdentity signer, FellowshipId id, long correlation) {
        Frame.Invite unsigned = new Frame.Invite(spec(id), founder.id(), correlation, new byte[0]);
        return new Frame.Invite(spec(id), founder.id(), correlation, new RosterSignatures(signer).signInvite(unsigned));
    }

    Frame.Answer answer(FakeLink link) {
        return assertInstanceOf(Frame.Answer.class, link.sent.get(link.sent.size() - 1));
    }

    static Frame.RosterUpdate welcome(TestIdentity coordinator, Roster r) {
        return new Frame.RosterUpdate(r, new RosterSignatures(coordinator).sign(r), Map.of());
    }

    @Test
    void aSignedInvitationIsReservedForAndAnsweredWithThisNodesChannel() {
        invitations.onInvite(fromA, invite(A, A, F, 41));
        Frame.Answer a = answer(fromA);
        assertTrue(a.accepted());
        assertEquals(41, a.correlation());
        assertEquals(ME, new Endpoint(a.host(), a.port()));
        assertEquals(List.of(F), host.reserved);
        assertEquals(List.of(0), host.policyAsked, "the policy hears how many fellowships this node holds");
        assertTrue(invitations.pending(F));
        assertEquals(30_000, host.scheduled.get(0).delayMillis(), "a lease until the welcome timeout");
    }

    @Test
    void anInvitationNotSignedByThePeerThatSentItIsAViolation() {
        invitations.onInvite(fromA, invite(A, C, F, 1));
        invitations.onInvite(fromA, invite(C, C, F, 2));
        assertEquals(2, host.violations.size());
        assertTrue(fromA.sent.isEmpty(), "no answer");
        assertTrue(host.reserved.isEmpty());
        assertFalse(invitations.pending(F));
    }

    @Test
    void anInvitationIsRefusedWithAReasonWhenThisNodeIsInOrJoiningTheFellowship() {
        invitations.onInvite(fromA, invite(A, A, F, 1));
        invitations.onInvite(fromA, invite(A, A, F, 2));
        assertFalse(answer(fromA).accepted());
        assertEquals("this node already belongs to fellowship " + F, answer(fromA).reason());

        FellowshipId other = new FellowshipId("other");
        Roster r = SuccessionTest.roster(1, 1, A, A, B);
        host.memberships.put(other, new Membership(RecruiterTest.OWNER, spec(other), r, new byte[0]));
        invitations.onInvite(fromA, invite(A, A, other, 3));
        assertEquals("this node already belongs to fellowship " + other, answer(fromA).reason());
        assertEquals(List.of(F), host.reserved, "a refused invitation reserves nothing");
    }

    @Test
    void aFellowshipLeftByChoiceIsNotJoinedAgainForAMinute() {
        invitations.left(F);
        invitations.onInvite(fromA, invite(A, A, F, 1));
        assertEquals("this node left fellowship " + F + " less than a minute ago", answer(fromA).reason());

        host.now += Invitations.REJOIN_PAUSE_NANOS + 1;
        invitations.onInvite(fromA, invite(A, A, F, 2));
        assertTrue(answer(fromA).accepted());
    }

    @Test
    void thePolicyAndTheNodeMayRefuseAndTheReasonIsClipped() {
        host.memberships.put(new FellowshipId("x"), new Membership(RecruiterTest.OWNER, spec(new FellowshipId("x")),
                SuccessionTest.roster(1, 1, A, A, B), new byte[0]));
        invitations.onInvite(fromA, invite(A, A, new FellowshipId("y"), 1));
        assertTrue(answer(fromA).accepted());

        host.policy = Optional.of("r".repeat(2000));
        invitations.onInvite(fromA, invite(A, A, F, 2));
        assertEquals(List.of(1, 2), host.policyAsked, "memberships held and invitations accepted both count");
        assertEquals("r".repeat(Invitations.MAX_REASON), answer(fromA).reason());

        host.policy = Optional.empty();
        host.reserveFails = new IllegalArgumentException("not enough memory free");
        invitations.onInvite(fromA, invite(A, A, F, 3));
        assertEquals("the node refused the reservation: not enough memory free", answer(fromA).reason());
        assertFalse(invitations.pending(F));
    }

    @Test
    void withoutAWelcomeTheLeaseEndsAtTheWelcomeTimeout() {
        invitations.onInvite(fromA, invite(A, A, F, 1));
        host.run("welcome timeout");
        assertEquals(List.of(F), host.released);
        assertFalse(invitations.pending(F));
    }

    @Test
    void theInvitersWelcomeMakesThisNodeAMemberAndEndsTheLease() {
        invitations.onInvite(fromA, invite(A, A, F, 1));
        Frame.RosterUpdate w = welcome(A, SuccessionTest.roster(2, 1, A, A, B));
        invitations.onWelcome(fromA, w);
        assertEquals(List.of(w), host.joined);
        assertFalse(invitations.pending(F));

        Roster r = w.roster();
        host.memberships.put(F, new Membership(RecruiterTest.OWNER, spec(F), r, w.signature()));
        host.run("welcome timeout");
        assertTrue(host.released.isEmpty(), "a member keeps its reservation");
    }

    @Test
    void aRosterNobodyAskedForIsAViolation() {
        invitations.onWelcome(fromA, welcome(A, SuccessionTest.roster(2, 1, A, A, B)));
        invitations.onInvite(fromA, invite(A, A, F, 1));
        invitations.onWelcome(fromA, welcome(A, SuccessionTest.roster(2, 1, A, A, C)));
        invitations.onWelcome(fromA, welcome(C, SuccessionTest.roster(2, 1, A, A, B)));
        invitations.onWelcome(new FakeLink(C, Purpose.INVITE, true), welcome(C, SuccessionTest.roster(2, 1, C, C, B)));
        assertEquals(List.of("a roster nobody asked for", "a roster nobody asked for", "a roster nobody asked for",
                "a roster nobody asked for"), host.violations,
                "not invited; not listing this node; not signed by its coordinator; not from the inviter");
        assertTrue(host.joined.isEmpty());
        assertTrue(invitations.pending(F));
    }

    @Test
    void theInvitersDissolveNoticeEndsTheLeaseOrTheMembership() {
        invitations.onInvite(fromA, invite(A, A, F, 1));
        invitations.onDissolveNotice(new FakeLink(C, Purpose.INVITE, true), new Frame.Dissolve(F, 1));
        assertTrue(invitations.pending(F), "only the inviter may dissolve");
        invitations.onDissolveNotice(fromA, new Frame.Dissolve(F, 1));
        assertEquals(List.of(F), host.released);
        assertFalse(invitations.pending(F));

        Roster r = SuccessionTest.roster(3, 2, A, A, B);
        Membership m = new Membership(RecruiterTest.OWNER, spec(F), r, new byte[0]);
        host.memberships.put(F, m);
        invitations.onDissolveNotice(fromA, new Frame.Dissolve(F, 1));
        assertTrue(host.dissolved.isEmpty(), "a notice of an earlier epoch");
        invitations.onDissolveNotice(fromA, new Frame.Dissolve(F, 2));
        assertEquals(List.of(m), host.dissolved);
        assertEquals(List.of(F), host.released, "a member's reservation ends with its membership, not here");
    }

    @Test
    void aGoneInviterEndsItsLeasesOnly() {
        FellowshipId other = new FellowshipId("other");
        invitations.onInvite(fromA, invite(A, A, F, 1));
        invitations.onInvite(new FakeLink(C, Purpose.INVITE, true), invite(C, C, other, 2));
        invitations.inviterGone(A.id());
        assertEquals(List.of(F), host.released);
        assertFalse(invitations.pending(F));
        assertTrue(invitations.pending(other));
    }
}
