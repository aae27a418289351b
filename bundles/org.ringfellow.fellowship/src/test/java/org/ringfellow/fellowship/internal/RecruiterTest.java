package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.tls.PeerIdentity;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;

/** Recruitment without an engine, a network or a Ring: a host that records what the recruiter asks of it. */
class RecruiterTest {

    static final TestIdentity A = SuccessionTest.A;
    static final TestIdentity B = SuccessionTest.B;
    static final TestIdentity C = SuccessionTest.C;
    static final TestIdentity D = SuccessionTest.D;
    static final Resources SMALL = new Resources(500, 256L << 20, 1L << 30);

    /** A link that records what is sent on it. */
    static final class FakeLink implements Link {
        final TestIdentity peer;
        final Purpose purpose;
        final boolean inbound;
        final List<Frame> sent = new ArrayList<>();
        boolean accepts = true;
        boolean closed;

        FakeLink(TestIdentity peer, Purpose purpose, boolean inbound) {
            this.peer = peer;
            this.purpose = purpose;
            this.inbound = inbound;
        }

        @Override
        public PeerIdentity peer() {
            return new PeerIdentity(peer.id(), peer.publicKey());
        }

        @Override
        public NodeId node() {
            return peer.id();
        }

        @Override
        public Purpose purpose() {
            return purpose;
        }

        @Override
        public boolean inbound() {
            return inbound;
        }

        @Override
        public boolean send(Frame frame) {
            if (accepts) {
                sent.add(frame);
            }
            return accepts;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    record Scheduled(String what, Runnable task, long delayMillis) {
    }

    /** The engine as the recruiter sees it. */
    final class FakeHost implements Recruiter.Host {
        long now = 1_000_000_000L;
        long correlation;
        /** What the Ring offers; {@link #find} leaves out the excluded, as the Ring does. */
        final List<Member> ring = new ArrayList<>();
        final List<ResourceQuery> queries = new ArrayList<>();
        final Map<NodeId, FakeLink> invitationLinks = new HashMap<>();
        final Map<NodeId, Endpoint> dialled = new HashMap<>();
        final List<Scheduled> scheduled = new ArrayList<>();
        final List<Predicate<Link>> closed = new ArrayList<>();
        final List<Membership> memberships = new ArrayList<>();
        final List<Membership> advanced = new ArrayList<>();
        final List<Frame> broadcast = new ArrayList<>();
        final List<FellowshipEvent.Type> dropped = new ArrayList<>();

        @Override
        public NodeId self() {
            return A.id();
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
        public long nextCorrelation() {
            return ++correlation;
        }

        @Override
        public List<Member> find(ResourceQuery query) {
            queries.add(query);
            return ring.stream().filter(x -> !query.exclude().contains(x.id())).limit(query.limit()).toList();
        }

        @Override
        public Link invitationLink(NodeId candidate, Endpoint at) {
            dialled.put(candidate, at);
            return invitationLinks.computeIfAbsent(candidate, n -> new FakeLink(byId(n), Purpose.INVITE, false));
        }

        @Override
        public void closeLinks(Predicate<Link> which) {
            closed.add(which);
        }

        @Override
        public Collection<Membership> memberships() {
            return memberships;
        }

        @Override
        public void advance(Membership m) {
            advanced.add(m);
        }

        @Override
        public void broadcast(Membership m, Frame frame) {
            broadcast.add(frame);
        }

        @Override
        public void drop(Membership m, FellowshipEvent.Type why) {
            m.gone = true;
            dropped.add(why);
        }

        /** Runs the scheduled tasks named {@code what}. */
        void run(String what) {
            List<Scheduled> due = scheduled.stream().filter(s -> s.what().equals(what)).toList();
            scheduled.removeAll(due);
            due.forEach(s -> s.task().run());
        }
    }

    /** A membership's owner that is node A and hears nothing. */
    static final Membership.Owner OWNER = new Membership.Owner() {
        @Override
        public NodeId self() {
            return A.id();
        }

        @Override
        public void toWatchers(FellowshipEvent event) {
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
    };

    final FakeHost host = new FakeHost();
    final Recruiter recruiter = new Recruiter(host, new RosterSignatures(A));
    final CompletableFuture<Fellowship> founding = new CompletableFuture<>();

    static TestIdentity byId(NodeId id) {
        return List.of(A, B, C, D).stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    }

    static Member candidate(TestIdentity who, int index, Map<String, String> labels) {
        return new Member(who.id(), "n" + index, new Endpoint("10.0.0." + index, 1), 1, MemberState.ALIVE,
                new ResourceAdvert(SMALL, SMALL, Set.of("runc"), Set.of("bundle"), labels));
    }

    static Member candidate(TestIdentity who, int index) {
        return candidate(who, index, Map.of(Labels.FELLOWSHIP, "7000"));
    }

    /** A fellowship A founds: its roster is A alone, A acts as its coordinator. */
    Membership founding(int size) {
        FellowshipSpec spec = new FellowshipSpec(SuccessionTest.F, size, new ResourceQuery(SMALL, Set.of(), Set.of(),
                Map.of(), Set.of(D.id()), 100), SMALL, Duration.ofSeconds(5));
        Roster first = SuccessionTest.roster(1, 1, A, A);
        Membership m = new Membership(OWNER, spec, first, new RosterSignatures(A).sign(first));
        m.acting = true;
        m.founding = Optional.of(founding);
        m.founded = false;
        host.memberships.add(m);
        return m;
    }

    FakeLink answerLink(TestIdentity who) {
        return host.invitationLinks.get(who.id());
    }

    @Test
    void aFoundingInvitesOneCandidatePerSeatAndNeverItselfAMemberOrAnExcludedNode() {
        host.ring.addAll(List.of(candidate(A, 1), candidate(D, 4), candidate(B, 2), candidate(C, 3)));
        Membership m = founding(3);
        recruiter.recruit(m);

        ResourceQuery q = host.queries.get(0);
        assertEquals(Set.of(A.id(), D.id()), q.exclude(), "itself, the roster, and the spec's exclusions");
        assertEquals(2 * 4 + 4, q.limit(), "a few candidates more than the seats");
        assertEquals(Set.of(B.id(), C.id()), m.outstanding.keySet());
        assertEquals(new Endpoint("10.0.0.2", 7000), m.invitedAt.get(B.id()), "the channel the candidate published");
        Frame.Invite invite = assertInstanceOf(Frame.Invite.class, answerLink(B).sent.get(0));
        assertEquals(m.outstanding.get(B.id()), invite.correlation());
        assertEquals(A.id(), invite.founder());
        assertTrue(new RosterSignatures(B).verifyInvite(A.publicKey(), invite), "signed by the founder's node key");
        assertEquals(2, host.scheduled.stream().filter(s -> s.what().equals("invite timeout")
                && s.delayMillis() == 5000).count(), "each invitation times out after the spec's invite timeout");

        recruiter.recruit(m);
        assertEquals(1, host.queries.size(), "every seat has an invitation out: the Ring is not asked again");
        assertEquals(1, answerLink(B).sent.size());

        recruiter.onAnswer(answerLink(C), new Frame.Answer(m.outstanding.get(C.id()), false, "full", "", 0));
        assertEquals(Set.of(A.id(), D.id(), B.id(), C.id()), host.queries.get(1).exclude(),
                "neither the one still invited nor the one that refused is asked again");
    }

    @Test
    void aRefusalIsRememberedAndTheNextCandidateAsked() {
        host.ring.addAll(List.of(candidate(B, 2), candidate(C, 3)));
        Membership m = founding(2);
        recruiter.recruit(m);
        assertEquals(Set.of(B.id()), m.outstanding.keySet(), "one seat, one invitation");

        recruiter.onAnswer(answerLink(B), new Frame.Answer(m.outstanding.get(B.id()), false, "full", "", 0));
        assertTrue(m.tried.containsKey(B.id()));
        assertEquals(List.of(B.id().shortId() + ": full"), m.refusals);
        assertEquals(Set.of(C.id()), m.outstanding.keySet(), "the next candidate is invited at once");
        assertFalse(founding.isDone());
    }

    @Test
    void aFoundingThatCanInviteNobodyFailsNamingTheRefusalsAndTellsTheInvited() {
        host.ring.add(candidate(B, 2));
        Membership m = founding(2);
        recruiter.recruit(m);
        recruiter.onAnswer(answerLink(B), new Frame.Answer(m.outstanding.get(B.id()), false, "full", "", 0));

        assertEquals(List.of(FellowshipEvent.Type.DISSOLVED), host.dropped);
        assertEquals(List.of(new Frame.Dissolve(m.id, 1)), host.broadcast);
        assertEquals(new Frame.Dissolve(m.id, 1), answerLink(B).sent.get(1), "the invited candidate is told too");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, founding::get);
        assertEquals("fellowship succession was not formed: only 1 of 2 members could be recruited; refusals: "
                + B.id().shortId() + ": full", e.getCause().getMessage());
        assertTrue(m.founding.isEmpty());
    }

    @Test
    void withNoCandidateAtAllTheFoundingFailsAtOnce() {
        Membership m = founding(3);
        recruiter.recruit(m);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, founding::get);
        assertTrue(e.getCause().getMessage().endsWith("only 1 of 3 members could be recruited: no other member "
                + "matches the requirement"), e.getCause().getMessage());
    }

    @Test
    void anAcceptedCandidateBecomesAPendingJoinWithTheKeyItsHandshakeProved() {
        host.ring.add(candidate(B, 2));
        Membership m = founding(2);
        recruiter.recruit(m);
        recruiter.onAnswer(answerLink(B), new Frame.Answer(m.outstanding.get(B.id()), true, "", "192.0.2.7", 7100));

        assertTrue(m.outstanding.isEmpty());
        assertEquals(1, m.joins.size());
        FellowshipMember joiner = m.joins.get(0).member();
        assertEquals(B.id(), joiner.node());
        assertEquals(new Endpoint("192.0.2.7", 7100), joiner.channel(), "where the candidate said it listens");
        assertEquals(answerLink(B).peer().keyBase64(), joiner.publicKey());
        assertTrue(m.joins.get(0).welcome() == answerLink(B), "the welcome goes on the invitation link");
        assertEquals(List.of(m), host.advanced, "the roster change is asked for at once");
        assertFalse(founding.isDone(), "formed only once the joiner holds the full roster");
    }

    @Test
    void anAnswerWithABadAddressCountsAsTriedAndOneLateOrUnknownChangesNothing() {
        host.ring.addAll(List.of(candidate(B, 2), candidate(C, 3)));
        Membership m = founding(2);
        recruiter.recruit(m);
        long correlation = m.outstanding.get(B.id());

        recruiter.onAnswer(answerLink(B), new Frame.Answer(correlation + 100, true, "", "192.0.2.7", 7100));
        assertEquals(Set.of(B.id()), m.outstanding.keySet(), "an answer to no invitation of this node");
        assertTrue(m.joins.isEmpty());

        recruiter.onAnswer(answerLink(B), new Frame.Answer(correlation, true, "", "192.0.2.7", 0));
        assertTrue(m.tried.containsKey(B.id()), "port 0 is no address");
        assertTrue(m.joins.isEmpty());
        assertEquals(Set.of(C.id()), m.outstanding.keySet());
    }

    @Test
    void noAnswerWithinTheInviteTimeoutCountsAsARefusal() {
        host.ring.addAll(List.of(candidate(B, 2), candidate(C, 3)));
        Membership m = founding(2);
        recruiter.recruit(m);
        host.now += 5_000_000_000L;
        host.run("invite timeout");
        assertEquals(List.of(B.id().shortId() + ": no answer within 5000 ms"), m.refusals);
        assertEquals(Set.of(C.id()), m.outstanding.keySet());
    }

    @Test
    void theInvitationLinkClosesAfterTheAnswerOnlyIfNothingElseIsPendingWithThatNode() {
        host.ring.add(candidate(B, 2));
        Membership m = founding(2);
        recruiter.recruit(m);
        FakeLink link = answerLink(B);
        recruiter.onAnswer(link, new Frame.Answer(m.outstanding.get(B.id()), true, "", "192.0.2.7", 7100));
        host.run("close invitation link");
        assertFalse(link.closed, "its join is still pending: the welcome goes on this link");

        m.joins.clear();
        recruiter.onAnswer(link, new Frame.Answer(99, false, "late", "", 0));
        host.run("close invitation link");
        assertTrue(link.closed);
    }

    @Test
    void theFoundingCompletesOnceEveryMemberAcknowledgedTheFullRoster() throws Exception {
        Membership m = founding(2);
        Roster two = SuccessionTest.roster(2, 1, A, A, B);
        m.setRoster(two);
        recruiter.recruit(m);
        assertFalse(founding.isDone(), "B has not acknowledged version 2");
        assertTrue(host.queries.isEmpty(), "no seat is free");

        m.acked.put(B.id(), 2L);
        recruiter.recruit(m);
        assertTrue(founding.get() == m);
        assertTrue(m.founded);
        assertTrue(m.founding.isEmpty());
    }

    @Test
    void anUnreachableCandidateIsTriedAndTheNextOneAsked() {
        host.ring.addAll(List.of(candidate(B, 2, Map.of(Labels.FELLOWSHIP, "not a port")), candidate(C, 3),
                candidate(D, 4)));
        Membership m = founding(2);
        m.spec = new FellowshipSpec(m.id, 2, new ResourceQuery(SMALL, Set.of(), Set.of(), Map.of(), Set.of(), 100),
                SMALL, Duration.ofSeconds(5));
        ((FakeLink) host.invitationLink(C.id(), new Endpoint("10.0.0.3", 7000))).accepts = false;
        recruiter.recruit(m);
        assertEquals(Set.of(B.id(), C.id()), m.tried.keySet(), "no channel, and a link that takes nothing");
        assertEquals(Set.of(D.id()), m.outstanding.keySet());
    }

    @Test
    void onceFormedCandidatesThatRefusedAreAskedAgainAfterThirtySeconds() {
        host.ring.add(candidate(B, 2));
        Membership m = founding(2);
        m.founding = Optional.empty();
        m.founded = true;
        m.tried.put(B.id(), host.now);
        m.invitedAt.put(B.id(), new Endpoint("10.0.0.2", 7000));
        recruiter.recruit(m);
        assertTrue(m.outstanding.isEmpty(), "refused a moment ago");
        assertTrue(m.invitedAt.containsKey(B.id()), "it may still hold a reservation");

        host.now += Recruiter.TRIED_FORGET_NANOS + 1;
        recruiter.recruit(m);
        assertEquals(Set.of(B.id()), m.outstanding.keySet());
    }

    @Test
    void aDissolveReachesEveryInvitedCandidateAndTheirLinksCloseOnceNothingIsPending() {
        host.ring.addAll(List.of(candidate(B, 2), candidate(C, 3)));
        Membership m = founding(3);
        recruiter.recruit(m);
        m.outstanding.remove(C.id());
        recruiter.tellInvited(m);
        assertEquals(new Frame.Dissolve(m.id, 1), answerLink(B).sent.get(1));
        assertEquals(new Frame.Dissolve(m.id, 1), answerLink(C).sent.get(1));

        host.run("close invitation links");
        Predicate<Link> which = host.closed.get(0);
        assertFalse(which.test(answerLink(B)), "B's invitation is still outstanding");
        assertTrue(which.test(answerLink(C)));
        assertFalse(which.test(new FakeLink(C, Purpose.INVITE, true)), "a link C dialled is C's to close");
        assertFalse(which.test(new FakeLink(C, Purpose.of(m.id), false)), "the fellowship's own link");
        assertFalse(which.test(new FakeLink(D, Purpose.INVITE, false)), "a node this fellowship never invited");
    }

    @Test
    void theChannelOfAMemberIsItsPublishedPortOnItsRingAddress() {
        assertEquals(Optional.of(new Endpoint("10.0.0.2", 7000)), Recruiter.channelOf(candidate(B, 2)));
        assertEquals(Optional.of(new Endpoint("10.0.0.2", Settings.DEFAULT_PORT)),
                Recruiter.channelOf(candidate(B, 2, Map.of())));
        assertEquals(Optional.empty(), Recruiter.channelOf(candidate(B, 2, Map.of(Labels.FELLOWSHIP, "x"))));
    }
}
