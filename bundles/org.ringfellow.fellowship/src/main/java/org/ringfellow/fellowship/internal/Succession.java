package org.ringfellow.fellowship.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.fellowship.internal.wire.Frame;

/**
 * The succession rules as pure functions of a roster, the leaves announced, the votes, the
 * members believed alive and the time: who may vote in an epoch, when an election is won, when
 * a roster change counts as acknowledged, and what a member whose coordinator is gone does
 * next. No state, no thread, no clock of its own: the engine feeds it what it holds (see
 * docs/fellowship.md, "The coordinator rule").
 */
final class Succession {

    /** Asks of one election (one vote timeout apart) before the candidate tries the next epoch. */
    static final int ELECTION_ASKS = 3;

    /** What a member whose coordinator is gone does on a periodic check. */
    enum Step {
        /** Nothing yet: someone ranked before it stands, or its last ask or vote is too recent. */
        WAIT,
        /** Asks again for the votes of its current election. */
        ASK_AGAIN,
        /** Stands for the next epoch. */
        NEW_EPOCH
    }

    private Succession() {
    }

    /**
     * The electorate of {@code epoch} over roster {@code r}: its members, less those that left
     * holding exactly this roster (epoch and version) and whose last vote was in an earlier
     * epoch: they never vote in this one. Any other leaver counts, as a crashed member does: one
     * that held another roster may have acknowledged later rosters (a majority without it could
     * miss every member that did: seed 2257 of the simulation, where a member two roster changes
     * behind won with the votes of two removed members), and one that voted in this epoch or
     * restarted without a kept vote may have voted for another candidate.
     */
    static List<NodeId> electorate(Roster r, Map<NodeId, Frame.Leave> left, long epoch) {
        return r.members().stream().map(FellowshipMember::node).filter(n -> {
            Frame.Leave l = left.get(n);
            return l == null || l.epoch() != r.epoch() || l.version() != r.version() || l.votedEpoch() >= epoch;
        }).toList();
    }

    /**
     * Whether a candidate holding the roster of {@code epoch} and {@code version} is at least as
     * up to date as {@code mine}, the voter's (Raft's up-to-date check, rosters in place of
     * logs): a later epoch, or the same epoch and no lower version. A voter grants nothing to a
     * candidate behind it: such a winner's rosters would fail the proof at the members whose
     * roster moved on, and it could never remove them (seed 2265 of the simulation: two acting
     * coordinators of different epochs that never merged).
     */
    static boolean upToDate(long epoch, long version, Roster mine) {
        return epoch > mine.epoch() || (epoch == mine.epoch() && version >= mine.version());
    }

    /**
     * The members whose acknowledgements make roster {@code r} committed, and whose liveness
     * keeps its coordinator acting: all but those that announced their leave (they acknowledge
     * nothing more, and the coordinator removes them one by one).
     */
    static List<NodeId> ackers(Roster r, Set<NodeId> left) {
        return r.members().stream().map(FellowshipMember::node).filter(n -> !left.contains(n)).toList();
    }

    /** A strict majority of the given members. */
    static int majority(Collection<NodeId> members) {
        return members.size() / 2 + 1;
    }

    /**
     * Whether {@code votes} make a strict majority of {@code electorate}. Only the electorate's
     * votes count: a member that voted and then left is in it, or it is not counted.
     */
    static boolean won(Set<NodeId> votes, List<NodeId> electorate) {
        return votes.stream().filter(electorate::contains).count() >= majority(electorate);
    }

    /**
     * The rank of {@code self} among those that may stand when the coordinator is gone: the
     * members in roster order that are alive and did not announce their leave, the coordinator
     * itself only if it is {@code self} (a coordinator that stepped down). -1: it may not stand.
     */
    static int rank(Roster r, NodeId self, Set<NodeId> left, Predicate<NodeId> alive) {
        NodeId coordinator = r.coordinator();
        return r.members().stream().map(FellowshipMember::node)
                .filter(n -> !left.contains(n) && alive.test(n) && (!n.equals(coordinator) || n.equals(self)))
                .toList().indexOf(self);
    }

    /**
     * The next step of a member whose coordinator is gone. Rank {@code k} waits 3 vote timeouts
     * per rank after the coordinator was first seen gone; an election asks again every vote
     * timeout; after {@link #ELECTION_ASKS} asks plus one per rank without a majority (votes
     * split, or lost) it gives way to the next epoch; a member that just granted its vote waits
     * 2 vote timeouts before standing itself, so that it does not take the next epoch from the
     * candidate it voted for.
     *
     * @param rank from {@link #rank}
     * @param goneSinceNanos when the coordinator was first seen gone
     * @param election this member's election, if it stands
     * @param votedEpoch the highest epoch this member voted in
     * @param grantedAtNanos when this member last granted its vote to another candidate
     */
    static Step next(int rank, long nowNanos, long goneSinceNanos, long voteTimeoutNanos,
            Optional<Membership.Election> election, long votedEpoch, long grantedAtNanos) {
        if (rank < 0 || nowNanos - goneSinceNanos < voteTimeoutNanos * 3 * rank) {
            return Step.WAIT; // someone ranked before this node should take over
        }
        if (election.isPresent() && nowNanos - election.get().askedAtNanos < voteTimeoutNanos) {
            return Step.WAIT;
        }
        if (election.isEmpty() && nowNanos - grantedAtNanos < 2 * voteTimeoutNanos) {
            return Step.WAIT;
        }
        if (election.isPresent() && election.get().epoch == votedEpoch && election.get().asks < ELECTION_ASKS + rank) {
            return Step.ASK_AGAIN;
        }
        return Step.NEW_EPOCH;
    }
}
