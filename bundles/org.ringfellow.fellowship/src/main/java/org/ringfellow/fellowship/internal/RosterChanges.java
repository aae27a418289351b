package org.ringfellow.fellowship.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.slf4j.Logger;

/**
 * The roster of a fellowship as it changes. On the coordinator: one member in or out at a time
 * (a pending join, a member that left, died or went silent, one too many after a resize), each
 * roster signed, installed and sent, the next change only once a majority acknowledged the
 * last; acknowledgements counted. On every member: a roster received checked (signed by the
 * coordinator that sent it, of a later version or epoch, a new epoch proven by a majority's
 * signed votes) and installed, which says who joined, who left and who coordinates; each held
 * roster acknowledged; leaves and dissolves heard. What it needs of the engine comes through
 * {@link Host}. The engine's thread only.
 */
final class RosterChanges {

    private static final Logger LOG = FellowshipEngine.LOG;
    /** A member the Ring calls alive but that acknowledges no roster (not even the refreshes) this long is gone. */
    static final long SILENCE_NANOS = TimeUnit.SECONDS.toNanos(15);

    /** What roster changes need of the engine. Every call is on the engine's thread. */
    interface Host {
        NodeId self();

        long nanoTime();

        Link linkTo(Membership m, FellowshipMember member);

        /** Whether this node's Ring sees {@code node} alive (itself always). */
        boolean alive(NodeId node);

        /** Whether liveness is judged at all: this node's Ring member runs (a down Ring knows nobody). */
        boolean judging();

        /** Keeps the roster held in the store (off the engine's thread). */
        void keep(Membership m);

        /** Forgets the fellowship here. */
        void drop(Membership m, FellowshipEvent.Type why);

        /** A member left the roster: its requests fail and its links on this fellowship close. */
        void removed(Membership m, NodeId member);

        /** Invites candidates for the seats not filled (or completes the founding). */
        void recruit(Membership m);

        /** The periodic check of a member that is not the coordinator (is the coordinator gone?). */
        void check(Membership m);

        /** Counts a protocol violation and closes the link. */
        void violation(Link link, String what);

        /** Counts a frame of an older epoch, dropped. */
        void stale();

        /** Counts a roster of a new epoch without the votes that prove it. */
        void unproven();
    }

    private final Host host;
    private final RosterSignatures signatures;

    RosterChanges(Host host, RosterSignatures signatures) {
        this.host = host;
        this.signatures = signatures;
    }

    /** Signs, installs and sends a new roster; a joiner gets it on its invitation link. */
    void publish(Membership m, Roster next, Optional<Link> welcome) {
        Roster old = m.roster;
        byte[] sig = signatures.sign(next);
        install(m, next, sig, m.rosterVotes);
        Frame.RosterUpdate frame = new Frame.RosterUpdate(next, sig, m.rosterVotes);
        for (FellowshipMember x : next.members()) {
            if (x.node().equals(host.self())) {
                continue;
            }
            if (welcome.isPresent() && welcome.get().node().equals(x.node())) {
                welcome.get().send(frame);
            } else {
                host.linkTo(m, x).send(frame);
            }
        }
        for (FellowshipMember x : old.members()) {
            if (!next.contains(x.node()) && !x.node().equals(host.self())) {
                host.linkTo(m, x).send(frame); // tells the removed member, if it can still hear
            }
        }
    }

    private void removeMembers(Membership m, Set<NodeId> gone) {
        List<FellowshipMember> members = m.roster.members().stream().filter(x -> !gone.contains(x.node())).toList();
        if (members.size() == m.roster.members().size()) {
            return;
        }
        LOG.info("Fellowship {}: removing {}", m.id, gone.stream().map(NodeId::shortId).toList());
        publish(m, new Roster(m.id, m.roster.version() + 1, m.roster.epoch(), host.self(), members), Optional.empty());
    }

    /**
     * Makes the next roster change, if the current roster is acknowledged by a majority of its
     * members: one member in or out at a time, so that the majorities of any two rosters a
     * member may hold overlap, and a coordinator cut off from the others cannot shrink its
     * roster into a majority of its own.
     */
    void advance(Membership m) {
        if (m.gone || !m.isCoordinator() || !committed(m)) {
            return;
        }
        if (!m.joins.isEmpty()) {
            Membership.PendingJoin j = m.joins.remove(0);
            if (m.roster.contains(j.member().node())) {
                return;
            }
            List<FellowshipMember> members = new ArrayList<>(m.roster.members());
            members.add(j.member());
            publish(m, new Roster(m.id, m.roster.version() + 1, m.roster.epoch(), host.self(), members),
                    Optional.of(j.welcome()));
            host.recruit(m); // completes the founding once the target size is reached
            return;
        }
        long now = host.nanoTime();
        long versionBefore = m.roster.version();
        m.roster.members().forEach(x -> m.lastHeard.putIfAbsent(x.node(), now)); // the silence clock starts
        // A down Ring knows nobody: while it is, nobody is judged (as the periodic check does), and
        // only a member that announced its leave goes; an acknowledgement arriving then must not
        // evict the others as dead (RingDownTest)
        boolean judging = host.judging();
        m.roster.members().stream().map(FellowshipMember::node)
                .filter(n -> !n.equals(host.self()) && (m.leftAnnounced.containsKey(n)
                        || judging && (!host.alive(n) || now - m.lastHeard.get(n) > SILENCE_NANOS)))
                .findFirst().ifPresent(n -> {
                    if (host.alive(n) && !m.leftAnnounced.containsKey(n)) {
                        LOG.warn("Fellowship {}: member {} has acknowledged nothing for {} s; removing it", m.id,
                                n.shortId(), TimeUnit.NANOSECONDS.toSeconds(SILENCE_NANOS));
                    }
                    removeMembers(m, Set.of(n));
                });
        if (m.roster.version() == versionBefore && m.roster.members().size() > m.spec.targetSize()) {
            // resized down: the last member in roster order leaves first, never the coordinator
            List<FellowshipMember> ms = m.roster.members();
            for (int i = ms.size() - 1; i >= 0; i--) {
                if (!ms.get(i).node().equals(host.self())) {
                    LOG.info("Fellowship {}: above its target size {}; removing {}", m.id, m.spec.targetSize(),
                            ms.get(i).node().shortId());
                    removeMembers(m, Set.of(ms.get(i).node()));
                    break;
                }
            }
        }
    }

    /**
     * Sets a new target size (coordinator, on the engine's thread): growing recruits on the next
     * round, shrinking removes one member per acknowledged roster.
     */
    void retarget(Membership m, int size) {
        if (m.gone) {
            return;
        }
        FellowshipSpec s = m.spec;
        if (s.targetSize() == size) {
            return;
        }
        m.spec = new FellowshipSpec(s.id(), size, s.requirement(), s.reservation(), s.inviteTimeout());
        LOG.info("Fellowship {}: target size {} -> {}", m.id, s.targetSize(), size);
        advance(m);
        host.recruit(m);
    }

    /** Tells whether a majority of the roster (not counting members that announced their leave) holds it. */
    boolean committed(Membership m) {
        long version = m.roster.version();
        List<NodeId> ackers = Succession.ackers(m.roster, m.leftAnnounced.keySet());
        long holders = ackers.stream().filter(n -> n.equals(host.self()) || m.acked.getOrDefault(n, -1L) >= version)
                .count();
        return holders >= Succession.majority(ackers);
    }

    void onAck(Membership m, NodeId from, Frame.Ack ack) {
        if (!m.isCoordinator() || ack.epoch() != m.roster.epoch()) {
            return;
        }
        m.acked.merge(from, ack.version(), Math::max);
        m.lastHeard.put(from, host.nanoTime());
        advance(m);
        if (m.founding.isPresent()) {
            host.recruit(m); // completes the founding once everyone holds the full roster
        }
    }

    /** Tells the coordinator this member holds its roster. */
    void acknowledge(Membership m) {
        Roster r = m.roster;
        if (!r.coordinator().equals(host.self())) {
            m.member(r.coordinator()).ifPresent(c -> host.linkTo(m, c).send(new Frame.Ack(m.id, r.epoch(), r.version())));
        }
    }

    /** A roster on the fellowship's channel (from a member, or a member removed that heard of a later epoch). */
    void onRoster(Membership m, Link link, Frame.RosterUpdate update) {
        Roster r = update.roster();
        Roster cur = m.roster;
        if (!link.node().equals(r.coordinator()) || !signatures.verify(r, update.signature())) {
            host.violation(link, "a roster not signed by the coordinator that sent it");
            return;
        }
        if (r.equals(cur)) {
            m.heardCoordinatorNanos = host.nanoTime();
            acknowledge(m); // the periodic refresh: acknowledge again, in case the first ack was lost
            return;
        }
        // A new epoch's coordinator proves it was elected: signed votes of a majority of the roster this
        // node holds. A member that signs a roster naming itself coordinator of a later epoch has no such proof.
        // A roster that removes this node needs none: leaving never makes a second coordinator, and a member
        // whose roster drifted during a partition could not check the proof against it (it would linger).
        if (r.epoch() > cur.epoch() && r.contains(host.self()) && !proven(m, r, update.votes())) {
            host.unproven();
            host.violation(link, "a roster of epoch " + r.epoch() + " without a majority's signed votes for "
                    + r.coordinator().shortId());
            return;
        }
        // A roster that removes this node is safe to accept from any later epoch: leaving never makes
        // a second coordinator. Otherwise the epoch must be at least the one this node voted in.
        boolean newer = r.epoch() > cur.epoch() ? r.epoch() >= m.votedEpoch || !r.contains(host.self())
                : r.epoch() == cur.epoch() && r.coordinator().equals(cur.coordinator()) && r.version() > cur.version();
        if (!newer) {
            host.stale();
            LOG.debug("Fellowship {}: ignored roster v{} e{} from {}; holding v{} e{}, voted e{}", m.id, r.version(),
                    r.epoch(), link.node().shortId(), cur.version(), cur.epoch(), m.votedEpoch);
            return;
        }
        install(m, r, update.signature(), update.votes());
    }

    /**
     * Tells whether {@code votes} prove that {@code r}'s coordinator won {@code r}'s epoch: valid
     * signatures over (fellowship, epoch, coordinator) from a strict majority of the members of the
     * roster this node holds (not counting those that announced their leave). Keys come from that
     * roster, or from members this node saw removed (a coordinator may have removed a voter just
     * before a partition), never from the roster being checked.
     */
    private boolean proven(Membership m, Roster r, Map<NodeId, byte[]> votes) {
        // Not the electorate of an election: installing a proven roster makes no second coordinator, so
        // this check needs no more than to stop a member that names itself without votes; and the
        // winner's votes were counted over its own roster, which may differ from this node's by one change.
        return signatures.proven(m.id, r, votes, Succession.ackers(m.roster, m.leftAnnounced.keySet()),
                n -> m.member(n).or(() -> Optional.ofNullable(m.former.get(n))));
    }

    private void install(Membership m, Roster next, byte[] sig, Map<NodeId, byte[]> votes) {
        Roster old = m.roster;
        m.heardCoordinatorNanos = host.nanoTime();
        m.setRoster(next);
        m.rosterSignature = sig;
        m.rosterVotes = votes;
        m.votedEpoch = Math.max(m.votedEpoch, next.epoch());
        if (next.epoch() > old.epoch()) {
            m.election = Optional.empty();
            m.goneSinceNanos = 0;
            m.acked.clear();
            m.joins.clear();
            m.lastHeard.clear();
        }
        if (!next.coordinator().equals(host.self())) {
            m.acting = false;
        }
        if (!next.contains(host.self())) {
            LOG.info("This node is no longer in the roster of fellowship {}", m.id);
            host.drop(m, FellowshipEvent.Type.MEMBER_LEFT);
            return;
        }
        host.keep(m);
        acknowledge(m);
        m.leftAnnounced.keySet().retainAll(next.members().stream().map(FellowshipMember::node).collect(Collectors.toSet()));
        for (FellowshipMember x : old.members()) {
            if (!next.contains(x.node())) {
                m.former.put(x.node(), x);
                host.removed(m, x.node());
                m.emit(FellowshipEvent.Type.MEMBER_LEFT, Optional.of(x.node()), Optional.empty());
            }
        }
        for (FellowshipMember x : next.members()) {
            if (!old.contains(x.node())) {
                m.lastHeard.put(x.node(), host.nanoTime());
                m.former.remove(x.node());
                m.formerTold.remove(x.node());
                m.emit(FellowshipEvent.Type.MEMBER_JOINED, Optional.of(x.node()), Optional.empty());
            }
        }
        if (!old.coordinator().equals(next.coordinator())) {
            LOG.info("Fellowship {}: coordinator {} at epoch {}", m.id, next.coordinator().shortId(), next.epoch());
            m.emit(FellowshipEvent.Type.COORDINATOR_CHANGED, Optional.of(next.coordinator()), Optional.empty());
        }
    }

    /** A member announced its leave. */
    void onLeave(Membership m, NodeId who, Frame.Leave leave) {
        m.leftAnnounced.put(who, leave);
        m.tried.put(who, host.nanoTime()); // withdrew its resources: not invited straight back
        LOG.info("Fellowship {}: member {} leaves", m.id, who.shortId());
        if (m.isCoordinator()) {
            advance(m);
            host.recruit(m);
        } else {
            host.check(m);
        }
    }

    /** A dissolve on the fellowship's channel. */
    void onDissolve(Membership m, NodeId who, Frame.Dissolve d) {
        if (!who.equals(m.roster.coordinator()) || d.epoch() < m.roster.epoch()) {
            host.stale();
            return;
        }
        LOG.info("Fellowship {} was dissolved by its coordinator {}", m.id, who.shortId());
        host.drop(m, FellowshipEvent.Type.DISSOLVED);
    }

    /** Sends a frame to every other member of the roster. */
    void broadcast(Membership m, Frame frame) {
        for (FellowshipMember x : m.roster.members()) {
            if (!x.node().equals(host.self())) {
                host.linkTo(m, x).send(frame);
            }
        }
    }
}
