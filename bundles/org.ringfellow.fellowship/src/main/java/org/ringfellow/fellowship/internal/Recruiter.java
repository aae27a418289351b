package org.ringfellow.fellowship.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.slf4j.Logger;

/**
 * The coordinator's recruitment: finding candidates on the Ring for the seats a fellowship lacks,
 * inviting them (signed invitations on the invitation channel), hearing their answers, completing
 * or failing a founding, and telling every invited candidate when the fellowship is dissolved. An
 * accepted candidate becomes a pending join, which the roster changes take in one at a time. What
 * it keeps is the {@link Membership}'s recruitment state ({@code outstanding}, {@code tried},
 * {@code refusals}, {@code invitedAt}, {@code joins}, {@code founding}); what it needs of the engine
 * comes through {@link Host}. The engine's thread only.
 */
final class Recruiter {

    private static final Logger LOG = FellowshipEngine.LOG;
    /** A candidate that refused or did not answer is not asked again for this long. */
    static final long TRIED_FORGET_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How long an invitation link stays open after its exchange, for what is still in flight. */
    static final long INVITATION_LINK_LINGER_MILLIS = 5_000;

    /** What recruitment needs of the engine. Every call is on the engine's thread. */
    interface Host {
        NodeId self();

        long nanoTime();

        /** Runs {@code task} on the engine's thread after {@code delayMillis}, unless the engine closed. */
        void schedule(String what, Runnable task, long delayMillis);

        /** A correlation no other invitation or request of this node uses. */
        long nextCorrelation();

        /** The Ring's candidates for a query. */
        List<Member> find(ResourceQuery query);

        /** This node's link to a candidate's invitation channel. */
        Link invitationLink(NodeId candidate, Endpoint at);

        /** Closes the links the predicate selects. */
        void closeLinks(Predicate<Link> which);

        /** This node's memberships. */
        Collection<Membership> memberships();

        /** Makes the next roster change of {@code m} (a pending join first), if its roster is committed. */
        void advance(Membership m);

        /** Sends a frame to every other member of the roster. */
        void broadcast(Membership m, Frame frame);

        /** Forgets the fellowship here. */
        void drop(Membership m, FellowshipEvent.Type why);
    }

    private final Host host;
    private final RosterSignatures signatures;

    Recruiter(Host host, RosterSignatures signatures) {
        this.host = host;
        this.signatures = signatures;
    }

    /**
     * Completes the founding once the roster reaches the target size and every member
     * acknowledged it; otherwise invites candidates for the seats not filled, invited or pending.
     * A founding that can invite nobody and waits for nobody fails. Coordinator only.
     */
    void recruit(Membership m) {
        if (m.gone || !m.isCoordinator()) {
            return;
        }
        NodeId self = host.self();
        long now = host.nanoTime();
        if (m.founding.isEmpty()) {
            m.tried.values().removeIf(t -> now - t > TRIED_FORGET_NANOS);
            m.invitedAt.keySet().removeIf(n -> !m.outstanding.containsKey(n) && !m.tried.containsKey(n)
                    && m.joins.stream().noneMatch(j -> j.member().node().equals(n)) && !m.isMember(n));
        }
        // Formed once every member acknowledged the full roster: a member whose welcome (on the invitation
        // link) is still in flight would otherwise miss what the founder sends next on the fellowship link,
        // a dissolve for instance, and linger.
        if (m.founding.isPresent() && m.roster.members().size() >= m.spec.targetSize()
                && m.roster.members().stream().allMatch(x -> x.node().equals(self)
                        || m.acked.getOrDefault(x.node(), -1L) >= m.roster.version())) {
            CompletableFuture<Fellowship> f = m.founding.get();
            m.founding = Optional.empty();
            m.founded = true;
            LOG.info("Fellowship {} is formed with {} members", m.id, m.roster.members().size());
            f.complete(m);
            return;
        }
        int needed = m.spec.targetSize() - m.roster.members().size() - m.outstanding.size() - m.joins.size();
        if (needed <= 0) {
            return;
        }
        Set<NodeId> exclude = new HashSet<>(m.spec.requirement().exclude());
        m.roster.members().forEach(x -> exclude.add(x.node()));
        exclude.addAll(m.outstanding.keySet());
        exclude.addAll(m.tried.keySet());
        exclude.add(self);
        ResourceQuery q = m.spec.requirement();
        List<Member> found = host.find(new ResourceQuery(q.minimumFree(), q.anyDriver(), q.runtimes(), q.labels(),
                exclude, Math.min(ResourceQuery.MAX_LIMIT, needed * 4 + 4)));
        int invited = 0;
        for (Member c : found) {
            if (invited == needed) {
                break;
            }
            if (exclude.contains(c.id())) {
                continue;
            }
            if (invite(m, c)) {
                invited++;
            }
        }
        if (invited == 0 && m.outstanding.isEmpty() && m.joins.isEmpty() && m.founding.isPresent()) {
            int have = m.roster.members().size();
            abortFounding(m, "only " + have + " of " + m.spec.targetSize() + " members could be recruited"
                    + (m.refusals.isEmpty() ? ": no other member matches the requirement"
                            : "; refusals: " + String.join("; ", m.refusals)));
        }
    }

    private boolean invite(Membership m, Member candidate) {
        Optional<Endpoint> at = channelOf(candidate);
        if (at.isEmpty()) {
            m.tried.put(candidate.id(), host.nanoTime());
            return false;
        }
        long correlation = host.nextCorrelation();
        Frame.Invite unsigned = new Frame.Invite(m.spec, host.self(), correlation, new byte[0]);
        Frame.Invite invite = new Frame.Invite(m.spec, host.self(), correlation, signatures.signInvite(unsigned));
        if (!host.invitationLink(candidate.id(), at.get()).send(invite)) {
            m.tried.put(candidate.id(), host.nanoTime());
            return false;
        }
        m.outstanding.put(candidate.id(), correlation);
        m.invitedAt.put(candidate.id(), at.get());
        host.schedule("invite timeout", () -> {
            if (m.outstanding.remove(candidate.id(), correlation)) {
                m.tried.put(candidate.id(), host.nanoTime());
                m.refusals.add(candidate.id().shortId() + ": no answer within " + m.spec.inviteTimeout().toMillis()
                        + " ms");
                recruit(m);
            }
        }, m.spec.inviteTimeout().toMillis());
        return true;
    }

    /** A candidate's answer, on the invitation link this node dialled. */
    void onAnswer(Link link, Frame.Answer answer) {
        NodeId candidate = link.node();
        Membership m = host.memberships().stream()
                .filter(x -> Long.valueOf(answer.correlation()).equals(x.outstanding.get(candidate)))
                .findFirst().orElse(null);
        // The invitation link is only for this exchange: close it once no invitation to that node is pending.
        host.schedule("close invitation link", () -> {
            if (!pendingWith(candidate)) {
                link.close();
            }
        }, INVITATION_LINK_LINGER_MILLIS);
        if (m == null) {
            return; // late: the invitation timed out already
        }
        m.outstanding.remove(candidate);
        if (!answer.accepted()) {
            m.tried.put(candidate, host.nanoTime());
            m.refusals.add(candidate.shortId() + ": " + answer.reason());
            recruit(m);
            return;
        }
        Endpoint at;
        try {
            at = new Endpoint(answer.host(), answer.port());
        } catch (IllegalArgumentException e) {
            m.tried.put(candidate, host.nanoTime());
            recruit(m);
            return;
        }
        if (m.gone || !m.isCoordinator()) {
            return; // the candidate's reservation expires with its welcome timeout
        }
        m.joins.add(new Membership.PendingJoin(new FellowshipMember(candidate, link.peer().keyBase64(), at), link));
        host.advance(m);
        recruit(m);
    }

    /** Whether any fellowship of this node still waits for an answer from, or the join of, {@code node}. */
    private boolean pendingWith(NodeId node) {
        return host.memberships().stream().anyMatch(x -> x.outstanding.containsKey(node)
                || x.joins.stream().anyMatch(j -> j.member().node().equals(node)));
    }

    private void abortFounding(Membership m, String reason) {
        CompletableFuture<Fellowship> f = m.founding.orElseThrow();
        m.founding = Optional.empty();
        LOG.warn("Founding fellowship {} failed: {}", m.id, reason);
        host.broadcast(m, new Frame.Dissolve(m.id, m.roster.epoch()));
        tellInvited(m);
        host.drop(m, FellowshipEvent.Type.DISSOLVED);
        f.completeExceptionally(new FellowshipException("fellowship " + m.id + " was not formed: " + reason));
    }

    /**
     * Tells every candidate this node invited, on the invitation channel, that the fellowship is
     * dissolved: one that accepted holds a reservation, and its welcome may be in flight or not
     * sent yet, so the dissolve on the fellowship's channel (for roster members) may miss it.
     */
    void tellInvited(Membership m) {
        Frame.Dissolve notice = new Frame.Dissolve(m.id, m.roster.epoch());
        Set<NodeId> told = Set.copyOf(m.invitedAt.keySet());
        m.invitedAt.forEach((node, at) -> {
            if (!node.equals(host.self())) {
                host.invitationLink(node, at).send(notice);
            }
        });
        // the invitation links are only for such exchanges: close them once flushed, if nothing else is pending
        host.schedule("close invitation links", () -> host.closeLinks(l -> !l.inbound()
                && l.purpose().equals(Purpose.INVITE)
                && told.contains(l.node()) && !pendingWith(l.node())), INVITATION_LINK_LINGER_MILLIS);
    }

    /**
     * Where a Ring member's fellowship channel listens: the operator's label, else the one the
     * node published (a port on its Ring address, or host:port), else the default port.
     */
    static Optional<Endpoint> channelOf(Member member) {
        Map<String, String> labels = member.advert().labels();
        String label = labels.get(Settings.CHANNEL_LABEL);
        String published = labels.get(Labels.FELLOWSHIP);
        try {
            if (label != null) {
                return Optional.of(Endpoint.parse(label));
            }
            if (published != null) {
                return Optional.of(published.indexOf(':') < 0
                        ? new Endpoint(member.address().host(), Integer.parseInt(published))
                        : Endpoint.parse(published));
            }
            return Optional.of(new Endpoint(member.address().host(), Settings.DEFAULT_PORT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
