package org.ringfellow.fellowship.internal.wire;

import java.util.Map;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;

/** The messages of the fellowship protocol. The sender is the peer the TLS handshake proved. */
public sealed interface Frame {

    /** A founder's (or coordinator's) signed invitation, on the invitation channel. */
    record Invite(FellowshipSpec spec, NodeId founder, long correlation, byte[] signature) implements Frame {
        public FellowshipId fellowship() {
            return spec.id();
        }
    }

    /** A candidate's answer; if accepted, where its fellowship channel listens. */
    record Answer(long correlation, boolean accepted, String reason, String host, int port) implements Frame {
    }

    /**
     * A roster signed by its coordinator, with the signed votes that made it coordinator of the
     * roster's epoch (empty in epoch 1, whose coordinator is the founder).
     */
    record RosterUpdate(Roster roster, byte[] signature, Map<NodeId, byte[]> votes) implements Frame {
        /** Copies the votes. */
        public RosterUpdate {
            votes = Map.copyOf(votes);
        }

        /** A roster without votes (epoch 1). */
        public RosterUpdate(Roster roster, byte[] signature) {
            this(roster, signature, Map.of());
        }
    }

    /** Application and platform messages. */
    record Message(FellowshipId fellowship, long epoch, Kind kind, String topic, long correlation, byte[] payload)
            implements Frame {
        /** How a message relates to others. */
        public enum Kind { SEND, REQUEST, REPLY }
    }

    /**
     * The sender leaves the fellowship. It says which roster it held when it left ({@code epoch},
     * {@code version}) and the highest epoch it voted in ({@code votedEpoch}, {@link #UNKNOWN_VOTE}
     * after a restart, which forgets votes): only a leaver that held the receiver's roster and
     * cannot have voted in an election's epoch may be left out of that election's majority.
     */
    record Leave(FellowshipId fellowship, long epoch, long version, long votedEpoch) implements Frame {
        /** The votes of a node that restarted: not known, so possibly in any epoch. */
        public static final long UNKNOWN_VOTE = Long.MAX_VALUE;
    }

    /** The coordinator dissolves the fellowship. */
    record Dissolve(FellowshipId fellowship, long epoch) implements Frame {
    }

    /**
     * The sender asks for a vote to coordinate the given epoch, naming the roster it holds
     * (epoch and version): a voter whose roster is newer refuses, as Raft's voters refuse a
     * candidate whose log is behind theirs.
     */
    record VoteRequest(FellowshipId fellowship, long epoch, long rosterEpoch, long rosterVersion) implements Frame {
    }

    /** A member has installed this roster version (the coordinator changes the roster again only
     * once a majority has). */
    record Ack(FellowshipId fellowship, long epoch, long version) implements Frame {
    }

    /**
     * A vote for (or against) the candidate that asked; a granted vote carries the voter's
     * signature over (fellowship, epoch, candidate), which the candidate shows to the members
     * with its rosters of that epoch.
     */
    record Vote(FellowshipId fellowship, long epoch, boolean granted, byte[] signature) implements Frame {
        /** A vote without a signature (a refusal). */
        public Vote(FellowshipId fellowship, long epoch, boolean granted) {
            this(fellowship, epoch, granted, new byte[0]);
        }
    }
}
