package org.ringfellow.fellowship.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.slf4j.Logger;

/**
 * Coordinator succession on one node: standing for an epoch when the coordinator is gone, asking
 * for votes, granting or refusing them, counting them and taking over with the epoch's first
 * roster. The rules themselves are {@link Succession}'s pure functions; this class holds the
 * steps that change a {@link Membership}'s election state, on the engine's thread only. What it
 * needs of the engine (links, liveness, the clock, keeping a vote before it is sent, publishing
 * a roster) comes through {@link Host}.
 */
final class Candidacy {

    private static final Logger LOG = FellowshipEngine.LOG;

    /** What succession needs of the engine. Every call is on the engine's thread. */
    interface Host {
        NodeId self();

        Link linkTo(Membership m, FellowshipMember member);

        /** Whether this node's Ring sees {@code node} alive (itself always). */
        boolean alive(NodeId node);

        long nanoTime();

        Duration voteTimeout();

        /** Runs {@code then} on the engine's thread once the store holds this node's vote of {@code epoch}. */
        void afterVoteKept(Membership m, long epoch, Runnable then);

        /** Signs, installs and sends the roster this node makes as the new coordinator. */
        void publish(Membership m, Roster first);

        /** Counts a protocol violation (a vote whose signature does not verify). */
        void violation();
    }

    private final Host host;
    private final RosterSignatures signatures;

    Candidacy(Host host, RosterSignatures signatures) {
        this.host = host;
        this.signatures = signatures;
    }

    /**
     * The step of a member that holds {@code m} and is not its acting coordinator, on the
     * engine's periodic check: nothing while the coordinator is there; otherwise, by its rank
     * and the time ({@link Succession#next}), wait, ask again, or stand for the next epoch.
     */
    void standIfGone(Membership m, long now) {
        if (!coordinatorGone(m)) {
            m.goneSinceNanos = 0;
            return;
        }
        if (m.goneSinceNanos == 0) {
            m.goneSinceNanos = now;
        }
        NodeId coordinator = m.roster.coordinator();
        int rank = Succession.rank(m.roster, host.self(), m.leftAnnounced.keySet(), host::alive);
        Succession.Step step = Succession.next(rank, now, m.goneSinceNanos, host.voteTimeout().toNanos(),
                m.election, m.votedEpoch, m.grantedAtNanos);
        if (step == Succession.Step.WAIT) {
            return;
        }
        if (step == Succession.Step.ASK_AGAIN) {
            Membership.Election e = m.election.get();
            e.askedAtNanos = now;
            e.asks++;
            if (e.durable) {
                ask(m, e);
            }
        } else {
            long epoch = Math.max(Math.max(m.roster.epoch(), m.votedEpoch), m.askedEpoch) + 1;
            m.votedEpoch = epoch;
            m.votedFor = Optional.of(host.self());
            Membership.Election fresh = new Membership.Election(epoch);
            fresh.votes.add(host.self());
            fresh.signatures.put(host.self(), signatures.vote(m.id, epoch, host.self()));
            fresh.askedAtNanos = now;
            fresh.asks = 1;
            m.election = Optional.of(fresh);
            LOG.info("Fellowship {}: coordinator {} is gone; asking for votes for epoch {}", m.id,
                    coordinator.shortId(), epoch);
            // its own vote is kept before anyone hears of the election
            host.afterVoteKept(m, epoch, () -> {
                if (m.election.isPresent() && m.election.get() == fresh) {
                    fresh.durable = true;
                    ask(m, fresh);
                }
            });
        }
    }

    /** Wins at once if this node's vote is enough, else asks the others for theirs. */
    private void ask(Membership m, Membership.Election e) {
        if (won(m, e)) {
            win(m, e);
            return;
        }
        Frame.VoteRequest ask = new Frame.VoteRequest(m.id, e.epoch, m.roster.epoch(), m.roster.version());
        for (FellowshipMember x : m.roster.members()) {
            if (!x.node().equals(host.self()) && !m.leftAnnounced.containsKey(x.node())) {
                host.linkTo(m, x).send(ask);
            }
        }
    }

    /**
     * Grants a vote (kept before it is sent) or refuses it: at most one candidate an epoch, only
     * when the coordinator is gone or is the candidate, only to a candidate whose roster is not
     * behind this node's ({@link Succession#upToDate}).
     */
    void onVoteRequest(Membership m, Link link, Frame.VoteRequest req) {
        NodeId candidate = link.node();
        m.askedEpoch = Math.max(m.askedEpoch, req.epoch());
        boolean grant = !m.leftAnnounced.containsKey(candidate) && req.epoch() > m.roster.epoch()
                && Succession.upToDate(req.rosterEpoch(), req.rosterVersion(), m.roster)
                && (m.votedEpoch < req.epoch() || (m.votedEpoch == req.epoch()
                        && m.votedFor.equals(Optional.of(candidate))))
                && (coordinatorGone(m) || m.roster.coordinator().equals(candidate));
        if (grant) {
            m.votedEpoch = req.epoch();
            m.votedFor = Optional.of(candidate);
            m.grantedAtNanos = host.nanoTime();
            if (m.election.isPresent() && m.election.get().epoch < req.epoch()) {
                m.election = Optional.empty();
            }
            if (m.roster.coordinator().equals(host.self())) {
                m.acting = false;
            }
        }
        if (!grant) {
            link.send(new Frame.Vote(m.id, req.epoch(), false));
            return;
        }
        Frame.Vote vote = new Frame.Vote(m.id, req.epoch(), true, signatures.vote(m.id, req.epoch(), candidate));
        host.afterVoteKept(m, req.epoch(), () -> link.send(vote));
    }

    /**
     * Counts a granted vote of this node's election (its signature checked); wins on a majority.
     * A vote that arrives after the win, for the epoch this node now coordinates, joins the proof
     * its rosters carry: a member one roster change behind checks the proof against its own,
     * larger, roster, and the bare majority of the winner's may not be one of that (seed 2272 of
     * the simulation: two members refused the winner's rosters as unproven until they gave the
     * fellowship up).
     */
    void onVote(Membership m, NodeId voter, Frame.Vote vote) {
        boolean late = m.election.isEmpty() && m.acting && m.roster.coordinator().equals(host.self())
                && m.roster.epoch() == vote.epoch() && !m.rosterVotes.containsKey(voter);
        if (!vote.granted() || (!late && (m.election.isEmpty() || m.election.get().epoch != vote.epoch()))) {
            return;
        }
        Optional<FellowshipMember> who = m.member(voter);
        if (who.isEmpty() || !signatures.verifyVote(who.get().publicKey(), m.id, vote.epoch(), host.self(),
                vote.signature())) {
            host.violation();
            LOG.warn("Fellowship {}: ignored a vote of {} whose signature does not verify", m.id, voter.shortId());
            return;
        }
        if (late) {
            Map<NodeId, byte[]> votes = new HashMap<>(m.rosterVotes);
            votes.put(voter, vote.signature());
            m.rosterVotes = Map.copyOf(votes);
            return;
        }
        Membership.Election e = m.election.get();
        e.votes.add(voter);
        e.signatures.put(voter, vote.signature());
        if (won(m, e)) {
            win(m, e);
        }
    }

    private void win(Membership m, Membership.Election e) {
        Roster old = m.roster;
        // The same members, this node first: the epoch's first roster changes nobody's membership. The
        // old coordinator and members that left go one at a time once it is acknowledged.
        List<FellowshipMember> members = new ArrayList<>();
        old.members().stream().filter(x -> x.node().equals(host.self())).forEach(members::add);
        old.members().stream().filter(x -> !x.node().equals(host.self())).forEach(members::add);
        m.election = Optional.empty();
        m.acting = true;
        m.rosterVotes = Map.copyOf(e.signatures);
        LOG.info("Fellowship {}: this node coordinates epoch {} with {} of {} votes", m.id, e.epoch,
                e.votes.size(), voters(m, e.epoch).size());
        m.acked.clear();
        m.joins.clear();
        host.publish(m, new Roster(m.id, old.version() + 1, e.epoch, host.self(), members));
    }

    private boolean coordinatorGone(Membership m) {
        NodeId c = m.roster.coordinator();
        if (c.equals(host.self())) {
            return !m.acting;
        }
        return m.leftAnnounced.containsKey(c) || !host.alive(c);
    }

    /** Whether the votes of an election make a strict majority of its electorate ({@link Succession#won}). */
    private boolean won(Membership m, Membership.Election e) {
        return Succession.won(e.votes, voters(m, e.epoch));
    }

    /** The electorate of {@code epoch} over the roster held ({@link Succession#electorate}). */
    private List<NodeId> voters(Membership m, long epoch) {
        return Succession.electorate(m.roster, m.leftAnnounced, epoch);
    }
}
