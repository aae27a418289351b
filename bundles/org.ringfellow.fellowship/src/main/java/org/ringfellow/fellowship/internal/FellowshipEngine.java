package org.ringfellow.fellowship.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.fellowship.internal.channel.ChannelTransport;
import org.ringfellow.fellowship.internal.channel.FrameTransport;
import org.ringfellow.fellowship.internal.channel.Link;
import org.ringfellow.fellowship.internal.tls.ChannelCredentials;
import org.ringfellow.fellowship.internal.tls.PeerIdentity;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fellowship protocol of one node. Every change of state runs on one thread (the
 * "loop"), in the order frames and events arrive, so events reach listeners in order per sender.
 * The loop is a Netty event loop, and the only one of this node's fellowship channels: a frame
 * is decrypted, decoded, checked against the roster and delivered on it, with no hand-off
 * between threads.
 *
 * <p>The engine is the loop, the whiteboard and the dispatch: each frame, Ring event and API
 * call goes to the class whose step it is, each reaching the engine through a {@code Host} of
 * its own: {@link Recruiter} (the coordinator invites), {@link Invitations} (a candidate
 * answers and waits for its welcome), {@link RosterChanges} (rosters made, checked, installed
 * and acknowledged), {@link Candidacy} (elections) and {@link Messenger} (messages). The
 * engine itself creates and forgets {@link Membership}s and runs the periodic check.
 *
 * <p><b>Coordinator rule.</b> A roster names its coordinator and epoch. (1) A node takes over
 * a new epoch only with votes from a strict majority of the current roster (members that
 * announced their leave do not count); each member votes at most once per epoch, and only
 * when it believes the coordinator gone (the Ring says DEAD or LEFT, or it announced its
 * leave) or the candidate is that coordinator. Two majorities of one roster overlap, so no two
 * nodes win the same epoch. (2) A coordinator acts (changes the roster, recruits) only while
 * it sees a strict majority of the roster alive; otherwise it steps down and must win a new
 * epoch to act again. In a partition only the majority side has an acting coordinator; after
 * the heal the higher epoch wins, and members that were removed meanwhile are told so. (3)
 * Members ignore rosters and messages of an epoch lower than the one they hold or voted for.
 * The price: a fellowship that lost half or more of its members stops repairing itself until
 * they come back, and a two-member fellowship cannot survive the crash of its coordinator.
 */
public final class FellowshipEngine implements FellowshipService, Membership.Owner, AutoCloseable {

    static final Logger LOG = LoggerFactory.getLogger(FellowshipEngine.class);
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int FORMER_NOTICES = 5;
    /**
     * A member that hears no roster from an acting coordinator, and coordinates nothing itself,
     * this long gives the fellowship up (a member removed while cut off, whose news nobody left can
     * tell it; a roster whose majority is gone for good): it leaves, releasing its reservation.
     */
    static final long ORPHAN_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final NodeIdentity identity;
    private final Ring ring;
    private final Reservations reservations;
    /** The rosters and votes kept across a crash; its writes run off the loop. */
    private final MembershipStore store;
    private final NodeService node;
    private volatile Settings settings;
    /** The engine's thread and clock; in a node, the event loop that also runs every channel connection. */
    private final Scheduler loop;
    private final FrameTransport transport;
    /** Send, broadcast, request and reply, and the requests waiting for replies. */
    private final Messenger messenger;
    private final RosterSignatures signatures;
    /** Standing for an epoch, votes asked, granted and counted. */
    private final Candidacy candidacy;
    /** Finding candidates, inviting them, their answers, the founding's end. */
    private final Recruiter recruiter;
    /** The roster as it changes: made, sent, checked, installed, acknowledged. */
    private final RosterChanges rosterChanges;
    /** Invitations this node received: decided, and each accepted one a lease until its welcome. */
    private final Invitations invitations;
    private final Map<FellowshipId, Membership> fellowships = new ConcurrentHashMap<>();
    private final AtomicLong correlations = new AtomicLong(new SecureRandom().nextLong() & Long.MAX_VALUE);
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong nonMember = new AtomicLong();
    private final AtomicLong violations = new AtomicLong();
    /** Rosters of a new epoch without signed votes of a majority for their coordinator. */
    private final AtomicLong unproven = new AtomicLong();
    /** Whiteboard listeners: every event of every fellowship this node belongs to. */
    private final List<FellowshipListener> watchers = new CopyOnWriteArrayList<>();
    /** Listeners bound and not yet unbound; guarded by {@code watchers} for the check-then-add. */
    private final Set<FellowshipListener> bound = ConcurrentHashMap.newKeySet();
    private volatile Endpoint advertised;
    /** Set by {@link #close}: tasks still queued on the loop, and frames still read, are skipped. */
    private volatile boolean closed;
    /** How long a caller's {@code leave}, {@code resize} or {@code dissolve} waits for the engine's thread. */
    volatile Duration callTimeout = Duration.ofSeconds(10);


    /**
     * @param node the local node: its identity, what it contributes, and where reservations are made
     * @param ring the Ring
     * @param store the fellowship's namespace of the node store (rosters kept across a crash)
     * @param settings channel settings and admission policy
     */
    public FellowshipEngine(NodeService node, Ring ring, NodeStore.Namespace store, Settings settings) {
        this(node, ring, store, settings, nettyLoop(node));
    }

    private static EventLoopGroup nettyLoop(NodeService node) {
        return new NioEventLoopGroup(1, new DefaultThreadFactory("fellowship-" + node.identity().id().shortId(), true));
    }

    private FellowshipEngine(NodeService node, Ring ring, NodeStore.Namespace store, Settings settings,
            EventLoopGroup group) {
        // one event loop runs the engine and every channel connection: frames are handled where they are read
        this(node, ring, store, settings, new LoopScheduler(group), (gate, inbound) -> new ChannelTransport(
                node.identity(), ChannelCredentials.create(node.identity(), Duration.ofDays(365)), gate, inbound,
                group, ChannelTransport.Limits.defaults()));
    }

    /**
     * An engine on a given thread, clock and transport (the simulation's, in tests).
     *
     * @param scheduler runs every task of the engine, one at a time, and gives its clock
     * @param transports builds the transport, given the engine's admission gate and frame handler;
     *     the transport must call them on the scheduler's thread
     */
    FellowshipEngine(NodeService node, Ring ring, NodeStore.Namespace store, Settings settings, Scheduler scheduler,
            FrameTransport.Factory transports) {
        this(node, ring, store, settings, scheduler, transports, null);
    }

    /**
     * As above, with the store writes on a given executor ({@code null}: a thread of their own);
     * the simulation runs them at once.
     */
    FellowshipEngine(NodeService node, Ring ring, NodeStore.Namespace store, Settings settings, Scheduler scheduler,
            FrameTransport.Factory transports, java.util.concurrent.Executor storeWriter) {
        this.node = node;
        this.identity = node.identity();
        this.ring = ring;
        this.reservations = new Reservations(node);
        this.store = storeWriter == null ? new MembershipStore(store, identity.id().shortId())
                : new MembershipStore(store, storeWriter);
        this.settings = settings;
        this.loop = scheduler;
        this.transport = transports.create(this::admit, this::onFrame);
        this.signatures = new RosterSignatures(identity);
        this.candidacy = new Candidacy(new Candidacy.Host() {
            @Override
            public NodeId self() {
                return FellowshipEngine.this.self();
            }

            @Override
            public Link linkTo(Membership m, FellowshipMember member) {
                return FellowshipEngine.this.linkTo(m, member);
            }

            @Override
            public boolean alive(NodeId node) {
                return FellowshipEngine.this.alive(node);
            }

            @Override
            public long nanoTime() {
                return loop.nanoTime();
            }

            @Override
            public Duration voteTimeout() {
                return settings.voteTimeout();
            }

            @Override
            public void afterVoteKept(Membership m, long epoch, Runnable then) {
                FellowshipEngine.this.afterVoteKept(m, epoch, then);
            }

            @Override
            public void publish(Membership m, Roster first) {
                rosterChanges.publish(m, first, Optional.empty());
            }

            @Override
            public void violation() {
                violations.incrementAndGet();
            }
        }, signatures);
        this.recruiter = new Recruiter(new Recruiter.Host() {
            @Override
            public NodeId self() {
                return FellowshipEngine.this.self();
            }

            @Override
            public long nanoTime() {
                return loop.nanoTime();
            }

            @Override
            public void schedule(String what, Runnable task, long delayMillis) {
                loop.schedule(() -> guarded(what, task), delayMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public long nextCorrelation() {
                return FellowshipEngine.this.nextCorrelation();
            }

            @Override
            public List<Member> find(ResourceQuery query) {
                return ring.find(query);
            }

            @Override
            public Link invitationLink(NodeId candidate, Endpoint at) {
                return transport.link(candidate, at, Purpose.INVITE);
            }

            @Override
            public void closeLinks(java.util.function.Predicate<Link> which) {
                transport.closeWhere(which);
            }

            @Override
            public java.util.Collection<Membership> memberships() {
                return fellowships.values();
            }

            @Override
            public void advance(Membership m) {
                rosterChanges.advance(m);
            }

            @Override
            public void broadcast(Membership m, Frame frame) {
                rosterChanges.broadcast(m, frame);
            }

            @Override
            public void drop(Membership m, FellowshipEvent.Type why) {
                dropLocally(m, why);
            }
        }, signatures);
        this.rosterChanges = new RosterChanges(new RosterChanges.Host() {
            @Override
            public NodeId self() {
                return FellowshipEngine.this.self();
            }

            @Override
            public long nanoTime() {
                return loop.nanoTime();
            }

            @Override
            public Link linkTo(Membership m, FellowshipMember member) {
                return FellowshipEngine.this.linkTo(m, member);
            }

            @Override
            public boolean alive(NodeId node) {
                return FellowshipEngine.this.alive(node);
            }

            @Override
            public boolean judging() {
                return ring.view().isRunning();
            }

            @Override
            public void keep(Membership m) {
                FellowshipEngine.this.keep(m);
            }

            @Override
            public void drop(Membership m, FellowshipEvent.Type why) {
                dropLocally(m, why);
            }

            @Override
            public void removed(Membership m, NodeId member) {
                failRequests(m.id, Optional.of(member), "member " + member.shortId() + " left the fellowship");
                transport.closeWhere(l -> l.node().equals(member) && l.purpose().equals(Purpose.of(m.id)));
            }

            @Override
            public void recruit(Membership m) {
                recruiter.recruit(m);
            }

            @Override
            public void check(Membership m) {
                FellowshipEngine.this.check(m);
            }

            @Override
            public void violation(Link link, String what) {
                FellowshipEngine.this.violation(link, what);
            }

            @Override
            public void stale() {
                stale.incrementAndGet();
            }

            @Override
            public void unproven() {
                unproven.incrementAndGet();
            }
        }, signatures);
        this.invitations = new Invitations(new Invitations.Host() {
            @Override
            public NodeId self() {
                return FellowshipEngine.this.self();
            }

            @Override
            public long nanoTime() {
                return loop.nanoTime();
            }

            @Override
            public void schedule(String what, Runnable task, long delayMillis) {
                loop.schedule(() -> guarded(what, task), delayMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public Optional<Membership> membership(FellowshipId id) {
                return Optional.ofNullable(fellowships.get(id));
            }

            @Override
            public int memberships() {
                return fellowships.size();
            }

            @Override
            public Optional<String> refusal(NodeId founder, FellowshipSpec spec, int memberships) {
                // the engine's settings, not the constructor's: the policy changes while the engine runs
                return Admission.refusal(FellowshipEngine.this.settings.policy(), founder, spec, memberships,
                        reservations.total(), node.contributed());
            }

            @Override
            public void reserve(FellowshipId id, Resources reservation) {
                reservations.reserve(id, reservation);
            }

            @Override
            public void release(FellowshipId id) {
                FellowshipEngine.this.release(id);
            }

            @Override
            public Endpoint advertised() {
                return advertised;
            }

            @Override
            public Duration welcomeTimeout() {
                return FellowshipEngine.this.settings.welcomeTimeout();
            }

            @Override
            public void violation(Link link, String what) {
                FellowshipEngine.this.violation(link, what);
            }

            @Override
            public void joined(FellowshipSpec spec, Frame.RosterUpdate welcome) {
                FellowshipEngine.this.joined(spec, welcome);
            }

            @Override
            public void dissolved(Membership m) {
                dropLocally(m, FellowshipEvent.Type.DISSOLVED);
            }
        }, signatures);
        this.messenger = new Messenger(new Messenger.Host() {
            @Override
            public NodeId self() {
                return FellowshipEngine.this.self();
            }

            @Override
            public Link linkTo(Membership m, FellowshipMember member) {
                return FellowshipEngine.this.linkTo(m, member);
            }

            @Override
            public long nextCorrelation() {
                return FellowshipEngine.this.nextCorrelation();
            }

            @Override
            public void later(String what, Runnable task) {
                loop.execute(() -> guarded(what, task));
            }
        }, scheduler);
    }

    /**
     * Binds the channel and starts the periodic checks. Reservations left by an earlier run
     * are released: memberships do not survive a restart.
     *
     * @return the bound channel address
     */
    public InetSocketAddress start() throws InterruptedException {
        Settings s = settings;
        InetSocketAddress bound = transport.bind(s.bindHost(), s.port());
        String host = s.advertisedHost().orElseGet(() -> {
            // the Ring's own address when it runs; a Ring not (yet) running reads as an empty view
            String h = ring.view().self().map(m -> m.address().host()).orElse("0.0.0.0");
            return "0.0.0.0".equals(h) || "::".equals(h) ? bound.getAddress().getHostAddress() : h;
        });
        advertised = new Endpoint(host, bound.getPort());
        publishChannel(s.advertisedHost().isPresent() ? advertised.toString() : Integer.toString(bound.getPort()));
        // Memberships do not survive a restart. Tell the members of each fellowship this node was in
        // (their rosters still list it) that it left, so they replace it without waiting for the Ring.
        store.kept().forEach((id, encoded) -> {
            Optional<Long> voted = store.keptVote(id);
            loop.execute(() -> guarded("leave after restart", () -> leaveAfterRestart(id, encoded, voted)));
        });
        store.dropLegacy();
        reservations.all().keySet().forEach(id -> {
            LOG.info("Releasing the reservation for fellowship {} left from an earlier run", id);
            release(id);
        });
        long tick = s.tick().toMillis();
        loop.scheduleWithFixedDelay(() -> guarded("tick", this::tick), tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("Fellowship channel of node {} listens on {} (advertised {})", self().shortId(), bound, advertised);
        return bound;
    }

    /** Applies a new admission policy at once (channel settings need a restart of the component). */
    public void updatePolicy(AdmissionPolicy policy) {
        settings = settings.withPolicy(policy);
    }

    @Override
    public NodeId self() {
        return identity.id();
    }

    /** Returns where this node's channel is reached. */
    public Endpoint advertised() {
        return advertised;
    }

    /** Returns the transport, for counters and for tests that cut links. */
    public FrameTransport transport() {
        return transport;
    }

    /** Returns the protocol and transport counters. */
    public Map<String, Long> stats() {
        Map<String, Long> m = new TreeMap<>(transport.stats().snapshot(transport.rejectedHandshakes()));
        m.put("drop.stale-epoch", stale.get());
        m.put("drop.non-member", nonMember.get());
        m.put("drop.protocol-violation", violations.get());
        m.put("drop.unsolicited-reply", messenger.unsolicited());
        m.put("drop.unproven-roster", unproven.get());
        m.put("store.write-failures", store.writeFailures());
        return m;
    }

    /** Returns the reservations this node holds, per fellowship. */
    public Map<FellowshipId, Resources> reservations() {
        return reservations.all();
    }

    /**
     * Adds a listener of every fellowship of this node. On the engine's thread it first hears, for
     * each fellowship this node already belongs to (founding ones included), a
     * {@code MEMBER_JOINED} naming this node with the current roster; then every later event.
     */
    public void addListener(FellowshipListener listener) {
        bound.add(listener);
        try {
            loop.execute(() -> guarded("listener replay", () -> {
                if (!bound.contains(listener)) {
                    return;
                }
                for (Membership m : List.copyOf(fellowships.values())) {
                    if (!m.gone) {
                        notify(listener, new FellowshipEvent(FellowshipEvent.Type.MEMBER_JOINED, m.id,
                                Optional.of(self()), Optional.empty(), m.roster));
                    }
                }
                synchronized (watchers) {
                    if (bound.contains(listener) && !watchers.contains(listener)) {
                        watchers.add(listener);
                    }
                }
            }));
        } catch (RejectedExecutionException e) {
            bound.remove(listener); // the engine is closed: nothing more will happen
        }
    }

    /** Removes a listener added with {@link #addListener}; it hears nothing emitted afterwards. */
    public void removeListener(FellowshipListener listener) {
        synchronized (watchers) {
            bound.remove(listener);
            watchers.remove(listener);
        }
    }

    /** Hands an event of one fellowship to the whiteboard listeners (on the engine's thread). */
    @Override
    public void toWatchers(FellowshipEvent event) {
        for (FellowshipListener l : watchers) {
            notify(l, event);
        }
    }

    private static void notify(FellowshipListener l, FellowshipEvent event) {
        try {
            l.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("A fellowship listener failed on {} of {}", event.type(), event.fellowship(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            node.withdrawLabel(Labels.FELLOWSHIP);
        } catch (RuntimeException e) {
            LOG.debug("Could not withdraw the channel label: {}", e.toString());
        }
        transport.close();
        loop.shutdown();
        store.close();
        messenger.close();
    }

    private void leaveAfterRestart(FellowshipId id, String encoded, Optional<Long> voted) {
        try {
            Frame f = MembershipStore.decode(encoded);
            if (f instanceof Frame.RosterUpdate ru && ru.roster().fellowship().equals(id)
                    && signatures.verify(ru.roster(), ru.signature())) {
                LOG.info("This node was in fellowship {} before it restarted; telling its {} members it left", id,
                        ru.roster().members().size() - 1);
                for (FellowshipMember x : ru.roster().members()) {
                    if (!x.node().equals(self())) {
                        // every vote is kept before it is sent; without a kept vote it may have been in any epoch
                        Roster r = ru.roster();
                        long v = voted.map(e -> Math.max(e, r.epoch())).orElse(Frame.Leave.UNKNOWN_VOTE);
                        transport.link(x.node(), x.channel(), Purpose.of(id)).send(new Frame.Leave(id,
                                r.epoch(), r.version(), v));
                    }
                }
            }
        } catch (IllegalArgumentException | org.ringfellow.fellowship.internal.wire.MalformedFrameException e) {
            LOG.warn("Ignoring an unreadable roster of fellowship {} kept by an earlier run", id);
        }
    }

    private void keep(Membership m) {
        store.keep(new Frame.RosterUpdate(m.roster, m.rosterSignature, m.rosterVotes), m.votedEpoch);
    }

    /** Releases the node's reservation for a fellowship and forgets what is kept of it. */
    private void release(FellowshipId id) {
        store.forget(id);
        reservations.release(id);
    }

    // ---------------------------------------------------------------- FellowshipService

    @Override
    public CompletionStage<Fellowship> create(FellowshipSpec spec) {
        CompletableFuture<Fellowship> result = new CompletableFuture<>();
        loop.execute(() -> guarded("create", () -> {
            if (fellowships.containsKey(spec.id()) || invitations.pending(spec.id())) {
                result.completeExceptionally(new FellowshipException("this node already belongs to fellowship "
                        + spec.id()));
                return;
            }
            try {
                reservations.reserve(spec.id(), spec.reservation());
            } catch (RuntimeException e) {
                result.completeExceptionally(new FellowshipException("the node refused the reservation: "
                        + e.getMessage()));
                return;
            }
            FellowshipMember me = new FellowshipMember(self(), Base64.getEncoder().encodeToString(identity.publicKey()),
                    advertised);
            Roster first = new Roster(spec.id(), 1, 1, self(), List.of(me));
            Membership m = new Membership(this, spec, first, signatures.sign(first));
            m.heardCoordinatorNanos = loop.nanoTime();
            m.acting = true;
            m.founding = Optional.of(result);
            m.founded = false;
            fellowships.put(spec.id(), m);
            keep(m);
            m.emit(FellowshipEvent.Type.MEMBER_JOINED, Optional.of(self()), Optional.empty());
            LOG.info("Founding fellowship {} with {} members", spec.id(), spec.targetSize());
            recruiter.recruit(m);
        }));
        return result;
    }

    @Override
    public List<Fellowship> list() {
        return fellowships.values().stream().filter(m -> !m.gone && m.founded)
                .sorted((a, b) -> a.id.value().compareTo(b.id.value())).collect(Collectors.toList());
    }

    @Override
    public Optional<Fellowship> get(FellowshipId id) {
        Membership m = fellowships.get(id);
        return m == null || m.gone ? Optional.empty() : Optional.of(m);
    }

    @Override
    public AdmissionPolicy policy() {
        return settings.policy();
    }

    // ---------------------------------------------------------------- the channel gate

    /** Decides during the TLS handshake, on the engine's thread (which runs the channels). */
    private boolean admit(PeerIdentity peer, Purpose purpose) {
        if (purpose.fellowship().isEmpty()) {
            // Invitations come from Ring members this node believes alive; they may only invite.
            return ring.view().isLive(peer.node());
        }
        Membership m = fellowships.get(purpose.fellowship().get());
        if (m == null || m.gone) {
            return false;
        }
        // A member this node removed may still connect, but only to deliver a roster of a later epoch
        // (after a partition heals, the side that moved on tells the other side).
        Optional<FellowshipMember> known = m.member(peer.node())
                .or(() -> Optional.ofNullable(m.former.get(peer.node())));
        return known.map(x -> peer.hasKey(x.publicKey())).orElse(false);
    }

    // ---------------------------------------------------------------- frames

    private void onFrame(Link link, Frame frame) {
        if (closed) {
            return;
        }
        if (link.purpose().fellowship().isEmpty()) {
            if (link.inbound() && frame instanceof Frame.Invite f) {
                invitations.onInvite(link, f);
            } else if (link.inbound() && frame instanceof Frame.RosterUpdate f) {
                invitations.onWelcome(link, f);
            } else if (!link.inbound() && frame instanceof Frame.Answer f) {
                recruiter.onAnswer(link, f);
            } else if (link.inbound() && frame instanceof Frame.Dissolve f) {
                invitations.onDissolveNotice(link, f);
            } else {
                violation(link, "unexpected " + frame.getClass().getSimpleName() + " on the invitation channel");
            }
            return;
        }
        FellowshipId id = link.purpose().fellowship().get();
        Membership m = fellowships.get(id);
        if (m != null && !m.gone && !m.isMember(link.node()) && m.former.containsKey(link.node())
                && frame instanceof Frame.RosterUpdate f && f.roster().fellowship().equals(id)) {
            rosterChanges.onRoster(m, link, f);
            return;
        }
        if (m == null || m.gone || !m.isMember(link.node())) {
            nonMember.incrementAndGet();
            LOG.debug("Dropped a frame from {}, not a member of {} here", link.node().shortId(), id);
            link.close();
            return;
        }
        if (frame instanceof Frame.Message f && f.fellowship().equals(id)) {
            onMessage(m, link.node(), f);
        } else if (frame instanceof Frame.RosterUpdate f && f.roster().fellowship().equals(id)) {
            rosterChanges.onRoster(m, link, f);
        } else if (frame instanceof Frame.VoteRequest f && f.fellowship().equals(id)) {
            candidacy.onVoteRequest(m, link, f);
        } else if (frame instanceof Frame.Vote f && f.fellowship().equals(id)) {
            candidacy.onVote(m, link.node(), f);
        } else if (frame instanceof Frame.Ack f && f.fellowship().equals(id)) {
            rosterChanges.onAck(m, link.node(), f);
        } else if (frame instanceof Frame.Leave f && f.fellowship().equals(id)) {
            rosterChanges.onLeave(m, link.node(), f);
        } else if (frame instanceof Frame.Dissolve f && f.fellowship().equals(id)) {
            rosterChanges.onDissolve(m, link.node(), f);
        } else {
            violation(link, "unexpected " + frame.getClass().getSimpleName() + " on the channel of " + id);
        }
    }

    private void violation(Link link, String what) {
        violations.incrementAndGet();
        LOG.warn("Closing the link with {}: {}", link.node().shortId(), what);
        link.close();
    }

    // ---------------------------------------------------------------- joining, resizing, forgetting (see Invitations, Recruiter, RosterChanges)

    /** The founder's welcome came (see {@link Invitations}): this node is a member, holding that roster. */
    private void joined(FellowshipSpec spec, Frame.RosterUpdate update) {
        Roster r = update.roster();
        Membership m = new Membership(this, spec, r, update.signature());
        m.heardCoordinatorNanos = loop.nanoTime();
        m.rosterVotes = update.votes();
        fellowships.put(r.fellowship(), m);
        keep(m);
        rosterChanges.acknowledge(m);
        m.emit(FellowshipEvent.Type.MEMBER_JOINED, Optional.of(self()), Optional.empty());
        LOG.info("Joined fellowship {} (roster version {}, {} members)", r.fellowship(), r.version(),
                r.members().size());
    }

    /**
     * Changes the target size (coordinator only): growing recruits on the next round, shrinking
     * removes one member per acknowledged roster ({@link RosterChanges#retarget}).
     */
    @Override
    public void resize(Membership m, int size) throws FellowshipException {
        if (size < 1 || size > FellowshipSpec.MAX_SIZE) {
            throw new FellowshipException("fellowship size must be 1.." + FellowshipSpec.MAX_SIZE + ", got " + size);
        }
        if (!m.isCoordinator()) {
            throw new FellowshipException("only the coordinator may resize fellowship " + m.id + "; it is "
                    + m.roster.coordinator().shortId());
        }
        onLoop("resize fellowship " + m.id, () -> rosterChanges.retarget(m, size));
    }

    /** Forgets a fellowship here: reservation released, requests failed, links closed soon. */
    private void dropLocally(Membership m, FellowshipEvent.Type why) {
        if (m.gone) {
            return;
        }
        m.gone = true;
        m.acting = false;
        fellowships.remove(m.id, m);
        release(m.id);
        failRequests(m.id, Optional.empty(), "this node is no longer in fellowship " + m.id);
        m.founding.ifPresent(f -> f.completeExceptionally(new FellowshipException("fellowship " + m.id + " ended")));
        m.founding = Optional.empty();
        m.emit(why, Optional.of(self()), Optional.empty());
        // Late enough for the last frames (leave, dissolve) to be flushed.
        loop.schedule(() -> transport.closeWhere(l -> l.purpose().equals(Purpose.of(m.id))
                && !fellowships.containsKey(m.id)), 2, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- the periodic check and succession (see Candidacy)

    private void tick() {
        // Liveness comes from this node's Ring view. With its Ring member down the view is empty,
        // which says nothing about the others: judge nobody (no step-down, election or removal)
        // until the Ring is back, rather than evict a whole fellowship on a local outage.
        boolean ringRunning = ring.view().isRunning();
        if (ringRunning != ringSeen) {
            ringSeen = ringRunning;
            if (ringRunning) {
                LOG.info("The Ring member is back; fellowships judge liveness again");
            } else {
                LOG.warn("The Ring member is not running: fellowships hold their rosters and coordinators until it is back");
            }
        }
        if (!ringRunning) {
            return;
        }
        for (Membership m : List.copyOf(fellowships.values())) {
            guarded("check " + m.id, () -> check(m));
        }
    }

    /** Whether the last periodic check saw the Ring running (the engine's thread only). */
    private boolean ringSeen = true;

    private void check(Membership m) {
        if (m.gone) {
            return;
        }
        if (m.roster.coordinator().equals(self()) && m.acting) {
            List<NodeId> eligible = ackers(m);
            long alive = eligible.stream().filter(this::alive).count();
            if (alive < majority(eligible)) {
                m.acting = false;
                LOG.warn("Fellowship {}: only {} of {} members are alive here; this coordinator steps down", m.id,
                        alive, eligible.size());
                return;
            }
            rosterChanges.advance(m);
            if (m.founding.isEmpty()) {
                recruiter.recruit(m);
            }
            // Anti-entropy: a roster lost with a broken connection reaches its member on the next round.
            long now = loop.nanoTime();
            m.heardCoordinatorNanos = now;
            if (now - m.lastRefreshNanos > REFRESH_NANOS) {
                m.lastRefreshNanos = now;
                Frame.RosterUpdate current = new Frame.RosterUpdate(m.roster, m.rosterSignature, m.rosterVotes);
                rosterChanges.broadcast(m, current);
                for (FellowshipMember x : List.copyOf(m.former.values())) {
                    if (alive(x.node())) {
                        linkTo(m, x).send(current);
                        if (m.formerTold.merge(x.node(), 1, Integer::sum) >= FORMER_NOTICES) {
                            m.former.remove(x.node());
                            m.formerTold.remove(x.node());
                        }
                    }
                }
            }
            return;
        }
        long now = loop.nanoTime();
        if (m.founding.isEmpty() && now - m.heardCoordinatorNanos > ORPHAN_NANOS) {
            LOG.warn("Fellowship {}: no roster from an acting coordinator for {} s; this node gives it up", m.id,
                    TimeUnit.NANOSECONDS.toSeconds(ORPHAN_NANOS));
            Roster r = m.roster;
            rosterChanges.broadcast(m,
                    new Frame.Leave(m.id, r.epoch(), r.version(), Math.max(r.epoch(), m.votedEpoch)));
            dropLocally(m, FellowshipEvent.Type.MEMBER_LEFT);
            return;
        }
        candidacy.standIfGone(m, now);
    }

    /**
     * Runs {@code then} on the engine's thread once the store holds the epoch this node just voted
     * in (its own candidacy or a vote granted), unless the fellowship is gone by then. A node that
     * restarts tells the members the highest epoch it may have voted in ({@link Frame.Leave}); a
     * vote sent before it was kept could be forgotten, and the member left out of a majority it
     * belongs to.
     */
    private void afterVoteKept(Membership m, long epoch, Runnable then) {
        store.keepVote(m.id, Math.max(epoch, m.votedEpoch), () -> {
            try {
                loop.execute(() -> guarded("vote", () -> {
                    if (!m.gone) {
                        then.run();
                    }
                }));
            } catch (RejectedExecutionException e) {
                LOG.debug("Fellowship {}: the engine stopped before its vote of epoch {} went out", m.id, epoch);
            }
        });
    }

    /** The members whose acknowledgements commit the roster held ({@link Succession#ackers}). */
    private List<NodeId> ackers(Membership m) {
        return Succession.ackers(m.roster, m.leftAnnounced.keySet());
    }

    private static int majority(List<NodeId> members) {
        return Succession.majority(members);
    }

    private boolean alive(NodeId node) {
        // the Ring's published snapshot: no wait on the Ring's thread, and a down Ring knows nobody
        return node.equals(self()) || ring.view().isLive(node);
    }

    /**
     * Hears the Ring (a {@code RingListener} forwards here): a dead or departed member is
     * acted upon at once; a former member seen again is told it was removed.
     */
    public void ringChanged(RingEvent event) {
        loop.execute(() -> guarded("ring event", () -> {
            NodeId who = event.member().id();
            if (event.type() == RingEvent.Type.DEAD || event.type() == RingEvent.Type.LEFT) {
                invitations.inviterGone(who);
            }
            for (Membership m : List.copyOf(fellowships.values())) {
                if (event.type() == RingEvent.Type.JOINED || event.type() == RingEvent.Type.ALIVE) {
                    FellowshipMember former = m.former.get(who);
                    if (former != null && m.isCoordinator()) {
                        linkTo(m, former).send(new Frame.RosterUpdate(m.roster, m.rosterSignature, m.rosterVotes));
                    }
                }
                if (m.roster.contains(who) || m.roster.coordinator().equals(self())) {
                    check(m);
                }
            }
        }));
    }

    // ---------------------------------------------------------------- leave and dissolve

    @Override
    public void leave(Membership m) throws FellowshipException {
        onLoop("leave fellowship " + m.id, () -> {
            if (m.gone) {
                return;
            }
            LOG.info("Leaving fellowship {}", m.id);
            invitations.left(m.id);
            Roster r = m.roster;
            rosterChanges.broadcast(m,
                    new Frame.Leave(m.id, r.epoch(), r.version(), Math.max(r.epoch(), m.votedEpoch)));
            dropLocally(m, FellowshipEvent.Type.MEMBER_LEFT);
        });
    }

    @Override
    public void dissolve(Membership m) throws FellowshipException {
        if (!m.isCoordinator()) {
            throw new FellowshipException("only the coordinator may dissolve fellowship " + m.id + "; it is "
                    + m.roster.coordinator().shortId());
        }
        onLoop("dissolve fellowship " + m.id, () -> {
            if (m.gone) {
                return;
            }
            LOG.info("Dissolving fellowship {}", m.id);
            rosterChanges.broadcast(m, new Frame.Dissolve(m.id, m.roster.epoch()));
            recruiter.tellInvited(m);
            dropLocally(m, FellowshipEvent.Type.DISSOLVED);
        });
    }

    // ---------------------------------------------------------------- messaging (see Messenger)

    private void onMessage(Membership m, NodeId from, Frame.Message msg) {
        if (msg.epoch() < m.roster.epoch()) {
            stale.incrementAndGet();
            return;
        }
        messenger.deliver(m, from, msg.kind(), msg.topic(), msg.correlation(), msg.payload());
    }

    @Override
    public void send(Membership m, NodeId to, String topic, byte[] payload) throws FellowshipException {
        messenger.send(m, to, topic, payload);
    }

    @Override
    public void broadcast(Membership m, String topic, byte[] payload) throws FellowshipException {
        messenger.broadcast(m, topic, payload);
    }

    @Override
    public CompletionStage<FellowshipMessage> request(Membership m, NodeId to, String topic, byte[] payload,
            Duration timeout) {
        return messenger.request(m, to, topic, payload, timeout);
    }

    @Override
    public void reply(Membership m, FellowshipMessage request, byte[] payload) throws FellowshipException {
        messenger.reply(m, request, payload);
    }

    private void failRequests(FellowshipId id, Optional<NodeId> to, String why) {
        messenger.failRequests(id, to, why);
    }

    // ---------------------------------------------------------------- helpers

    private Link linkTo(Membership m, FellowshipMember x) {
        return transport.link(x.node(), x.channel(), m.purpose);
    }

    /**
     * Tells the Ring where this node's channel listens, so that a node on any port (several on
     * one host, or port 0) is reached without its operator setting {@link Settings#CHANNEL_LABEL}.
     */
    private void publishChannel(String value) {
        try {
            node.publishLabel(Labels.FELLOWSHIP, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            LOG.warn("Cannot advertise the fellowship channel ({}): members will dial the default port {} unless "
                    + "the operator sets the label {}", e.getMessage(), Settings.DEFAULT_PORT, Settings.CHANNEL_LABEL);
        }
    }

    /**
     * Where a Ring member's fellowship channel listens: the operator's label, else the one the
     * node published (a port on its Ring address, or host:port), else the default port.
     */
    static Optional<Endpoint> channelOf(Member member) {
        return Recruiter.channelOf(member);
    }

    private long nextCorrelation() {
        long c;
        do {
            c = correlations.incrementAndGet() & Long.MAX_VALUE;
        } while (c == 0);
        return c;
    }

    /**
     * Runs a caller's mutation on the engine's thread and returns once it ran, or throws: a
     * closed engine, a task that fails, or a thread that does not take the task within
     * {@link #callTimeout} is the caller's error, never a silent return.
     */
    private void onLoop(String what, Runnable r) throws FellowshipException {
        if (closed) {
            throw new FellowshipException("cannot " + what + ": the fellowship engine is closed");
        }
        if (loop.inLoop()) {
            run(what, r);
            return;
        }
        Future<?> f;
        try {
            f = loop.submit(() -> {
                if (closed) {
                    throw new IllegalStateException("the fellowship engine is closed");
                }
                r.run();
            });
        } catch (RejectedExecutionException e) {
            throw new FellowshipException("cannot " + what + ": the fellowship engine is closed", e);
        }
        Duration timeout = callTimeout;
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new FellowshipException("interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new FellowshipException("cannot " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            boolean withdrawn = f.cancel(false);
            throw new FellowshipException("cannot " + what + ": the fellowship engine did not answer within "
                    + timeout.toMillis() + " ms" + (withdrawn ? "; nothing was changed" : "; it may still be carried out"),
                    e);
        }
    }

    private static void run(String what, Runnable r) throws FellowshipException {
        try {
            r.run();
        } catch (RuntimeException e) {
            throw new FellowshipException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private void guarded(String what, Runnable r) {
        if (closed) {
            return;
        }
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("Fellowship {} failed", what, e);
        }
    }
}
