package org.ringfellow.fellowship.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.slf4j.Logger;

/**
 * The candidate's side of recruitment: an invitation checked (signed by the peer that sent it)
 * and decided (already in or just left the fellowship, the admission policy, the node's
 * reservation); an accepted one is a lease on the reservation until the founder's welcome
 * roster comes, which makes this node a member, or until the welcome timeout, a dissolve
 * notice from the inviter or the Ring's news that the inviter is gone, which release it. What it
 * needs of the engine comes through {@link Host}. The engine's thread only.
 */
final class Invitations {

    private static final Logger LOG = FellowshipEngine.LOG;
    /** A fellowship this node left by choice is not joined again for this long. */
    static final long REJOIN_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** The longest refusal reason an answer carries. */
    static final int MAX_REASON = 512;

    /** What a candidate needs of the engine. Every call is on the engine's thread. */
    interface Host {
        NodeId self();

        long nanoTime();

        /** Runs {@code task} on the engine's thread after {@code delayMillis}, unless the engine closed. */
        void schedule(String what, Runnable task, long delayMillis);

        /** This node's membership of a fellowship, if it holds one. */
        Optional<Membership> membership(FellowshipId id);

        /** How many fellowships this node belongs to. */
        int memberships();

        /** Why this node's admission policy refuses the invitation, given the fellowships it is in or joining. */
        Optional<String> refusal(NodeId founder, FellowshipSpec spec, int memberships);

        /** Reserves the fellowship's resources in the node; throws if the node refuses. */
        void reserve(FellowshipId id, Resources reservation);

        /** Releases the node's reservation for the fellowship (and what is kept of it). */
        void release(FellowshipId id);

        /** Where this node's channel is reached: the accepted candidate's answer. */
        Endpoint advertised();

        Duration welcomeTimeout();

        /** Counts a protocol violation and closes the link. */
        void violation(Link link, String what);

        /** The founder's welcome came: this node is a member of the fellowship, holding that roster. */
        void joined(FellowshipSpec spec, Frame.RosterUpdate welcome);

        /** The coordinator dissolved a fellowship this node was welcomed into. */
        void dissolved(Membership m);
    }

    private record Accepted(NodeId founder, long correlation, FellowshipSpec spec) {
    }

    private final Host host;
    private final RosterSignatures signatures;
    /** Invitations accepted, by fellowship, until the welcome (or its end). */
    private final Map<FellowshipId, Accepted> accepted = new ConcurrentHashMap<>();
    /** Fellowships this node left by choice, and when: it does not rejoin them straight away. */
    private final Map<FellowshipId, Long> recentlyLeft = new ConcurrentHashMap<>();

    Invitations(Host host, RosterSignatures signatures) {
        this.host = host;
        this.signatures = signatures;
    }

    /** Whether this node accepted an invitation to the fellowship and waits for its welcome. */
    boolean pending(FellowshipId id) {
        return accepted.containsKey(id);
    }

    /** This node left the fellowship by choice: invitations to it are refused for a while. */
    void left(FellowshipId id) {
        recentlyLeft.put(id, host.nanoTime());
    }

    /** An invitation, on an inbound invitation link. */
    void onInvite(Link link, Frame.Invite invite) {
        if (!invite.founder().equals(link.node())
                || !signatures.verifyInvite(link.peer().nodeKey(), invite)) {
            host.violation(link, "an invitation not signed by the peer that sent it");
            return;
        }
        FellowshipSpec spec = invite.spec();
        long now = host.nanoTime();
        recentlyLeft.values().removeIf(t -> now - t > REJOIN_PAUSE_NANOS);
        Optional<String> refusal = host.membership(spec.id()).isPresent() || accepted.containsKey(spec.id())
                ? Optional.of("this node already belongs to fellowship " + spec.id())
                : recentlyLeft.containsKey(spec.id()) ? Optional.of("this node left fellowship " + spec.id()
                        + " less than a minute ago")
                : host.refusal(invite.founder(), spec, host.memberships() + accepted.size());
        if (refusal.isEmpty()) {
            try {
                host.reserve(spec.id(), spec.reservation());
            } catch (RuntimeException e) {
                refusal = Optional.of("the node refused the reservation: " + e.getMessage());
            }
        }
        if (refusal.isPresent()) {
            LOG.info("Refused the invitation of {} to fellowship {}: {}", invite.founder().shortId(), spec.id(),
                    refusal.get());
            link.send(new Frame.Answer(invite.correlation(), false, clip(refusal.get()), "", 0));
            return;
        }
        Accepted a = new Accepted(invite.founder(), invite.correlation(), spec);
        accepted.put(spec.id(), a);
        Endpoint me = host.advertised();
        link.send(new Frame.Answer(invite.correlation(), true, "", me.host(), me.port()));
        LOG.info("Accepted the invitation of {} to fellowship {}", invite.founder().shortId(), spec.id());
        host.schedule("welcome timeout", () -> {
            if (accepted.remove(spec.id(), a) && host.membership(spec.id()).isEmpty()) {
                host.release(spec.id());
                LOG.info("No roster came for fellowship {}; its reservation is released", spec.id());
            }
        }, host.welcomeTimeout().toMillis());
    }

    /** A roster on an inbound invitation link: the welcome of a founder whose invitation this node accepted. */
    void onWelcome(Link link, Frame.RosterUpdate update) {
        Roster r = update.roster();
        Accepted a = accepted.get(r.fellowship());
        if (a == null || !a.founder().equals(link.node()) || !r.coordinator().equals(link.node())
                || !signatures.verify(r, update.signature()) || !r.contains(host.self())) {
            host.violation(link, "a roster nobody asked for");
            return;
        }
        accepted.remove(r.fellowship());
        host.joined(a.spec(), update);
    }

    /**
     * The inviter dissolved a fellowship this node accepted to join: the reservation made on
     * accepting is released at once (not at the welcome timeout), and if the welcome came
     * first, the membership ends as a dissolve on the fellowship's own channel would end it.
     */
    void onDissolveNotice(Link link, Frame.Dissolve notice) {
        FellowshipId id = notice.fellowship();
        Accepted a = accepted.get(id);
        if (a != null && a.founder().equals(link.node()) && accepted.remove(id, a)
                && host.membership(id).isEmpty()) {
            host.release(id);
            LOG.info("Fellowship {} was dissolved by {} before it welcomed this node; its reservation is released",
                    id, link.node().shortId());
        }
        Membership m = host.membership(id).orElse(null);
        if (m != null && !m.gone && m.roster.coordinator().equals(link.node()) && notice.epoch() >= m.roster.epoch()) {
            LOG.info("Fellowship {} was dissolved by its coordinator {}", id, link.node().shortId());
            host.dissolved(m);
        }
    }

    /**
     * Releases at once the reservation of an accepted invitation whose inviter the Ring says is
     * dead or gone: its welcome will not come.
     */
    void inviterGone(NodeId who) {
        accepted.forEach((id, a) -> {
            if (a.founder().equals(who) && accepted.remove(id, a) && host.membership(id).isEmpty()) {
                host.release(id);
                LOG.info("The inviter {} of fellowship {} is gone; the reservation made on accepting is released",
                        who.shortId(), id);
            }
        });
    }

    private static String clip(String s) {
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) : s;
    }
}
