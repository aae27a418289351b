package org.ringfellow.fellowship.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.fellowship.internal.tls.Purpose;

/**
 * This node's membership of one fellowship. The API methods may be called from any thread;
 * every change of state happens on the engine's thread, and the fields read from other threads
 * are volatile snapshots.
 */
final class Membership implements Fellowship {

    /**
     * What a membership needs of the engine that holds it: this node, the whiteboard, and the
     * calls of the {@link Fellowship} API, which the engine carries out.
     */
    interface Owner {
        NodeId self();

        /** Hands an event of this fellowship to the whiteboard listeners (on the engine's thread). */
        void toWatchers(FellowshipEvent event);

        void send(Membership m, NodeId to, String topic, byte[] payload) throws FellowshipException;

        void broadcast(Membership m, String topic, byte[] payload) throws FellowshipException;

        CompletionStage<FellowshipMessage> request(Membership m, NodeId to, String topic, byte[] payload,
                Duration timeout);

        void reply(Membership m, FellowshipMessage request, byte[] payload) throws FellowshipException;

        void leave(Membership m) throws FellowshipException;

        void dissolve(Membership m) throws FellowshipException;

        void resize(Membership m, int targetSize) throws FellowshipException;
    }

    private final Owner engine;
    final FellowshipId id;
    /** The spec; its target size changes when the coordinator resizes. */
    volatile FellowshipSpec spec;
    private final List<FellowshipListener> listeners = new CopyOnWriteArrayList<>();

    /** The roster; set only with {@link #setRoster}, which keeps {@link #byNode} in step. */
    volatile Roster roster;
    /** The roster's members by node: the per-message membership check without a scan. */
    private volatile Map<NodeId, FellowshipMember> byNode = Map.of();
    /** The purpose of this fellowship's channel links. */
    final Purpose purpose;
    volatile byte[] rosterSignature;
    /** The signed votes that made the roster's coordinator coordinator of its epoch (empty in epoch 1). */
    volatile Map<NodeId, byte[]> rosterVotes = Map.of();
    /** Whether this node, named coordinator by the roster, still acts as one (it sees a majority). */
    volatile boolean acting;
    volatile boolean gone;

    // Engine thread only.
    long votedEpoch;
    Optional<NodeId> votedFor = Optional.empty();
    /**
     * The highest epoch a candidate asked this node to vote in, granted or not. This node stands,
     * if it does, for a later one: a candidate refused for a roster behind this node's keeps
     * standing for the next epochs, and this node's own candidacy must overtake it, as a Raft
     * node raises its term on a request of a higher one (seed 1013 of the simulation).
     */
    long askedEpoch;
    Optional<Election> election = Optional.empty();
    /** Members that announced their leave, with what they said (the roster they held, their last vote). */
    final Map<NodeId, org.ringfellow.fellowship.internal.wire.Frame.Leave> leftAnnounced = new HashMap<>();
    /**
     * Members removed from the roster (read by the channel gate on I/O threads). They may still
     * deliver a roster of a later epoch, and the coordinator tells them the news a few times.
     */
    final Map<NodeId, FellowshipMember> former = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<NodeId, Integer> formerTold = new HashMap<>();
    /** Recruitment: candidates invited and not yet answered, and those that refused or timed out. */
    final Map<NodeId, Long> outstanding = new HashMap<>();
    final Map<NodeId, Long> tried = new HashMap<>();
    final List<String> refusals = new ArrayList<>();
    /**
     * Where this node invited candidates (their channel), kept while they may hold a reservation
     * for this fellowship (invited, accepted, refused or timed out recently, welcomed): a dissolve
     * reaches them on the invitation channel even if they never made it into the roster.
     */
    final Map<NodeId, Endpoint> invitedAt = new HashMap<>();
    /** The founder's pending result while it founds the fellowship; the engine's thread only. */
    Optional<CompletableFuture<Fellowship>> founding = Optional.empty();
    /**
     * False while this node founds the fellowship and it is not formed yet: the one piece of
     * {@link #founding} that other threads read ({@code list()}).
     */
    volatile boolean founded = true;
    /** The highest roster version each member acknowledged in this epoch (coordinator only). */
    final Map<NodeId, Long> acked = new HashMap<>();
    /** When each member last acknowledged a roster (coordinator only). */
    final Map<NodeId, Long> lastHeard = new HashMap<>();
    /** Candidates that accepted, waiting for the previous roster change to be acknowledged. */
    final List<PendingJoin> joins = new ArrayList<>();

    /** An accepted candidate and the link its welcome goes on. */
    record PendingJoin(FellowshipMember member, org.ringfellow.fellowship.internal.channel.Link welcome) {
    }
    long goneSinceNanos;
    long lastRefreshNanos;
    /** When a roster last came from an acting coordinator (or this node acted as one); see {@code ORPHAN_NANOS}. */
    long heardCoordinatorNanos;
    /** When this node last granted its vote to another candidate. */
    long grantedAtNanos = Long.MIN_VALUE / 2;

    /** A candidate's election for one epoch. */
    static final class Election {
        final long epoch;
        final Set<NodeId> votes = new HashSet<>();
        /** Each vote's signature over (fellowship, epoch, this node): the proof shown with the rosters. */
        final Map<NodeId, byte[]> signatures = new HashMap<>();
        long askedAtNanos;
        /** Set once this node's own vote is kept in the store: only then are the others asked. */
        boolean durable;
        /** How many times the others were asked for their votes. */
        int asks;

        Election(long epoch) {
            this.epoch = epoch;
        }
    }

    Membership(Owner engine, FellowshipSpec spec, Roster roster, byte[] signature) {
        this.engine = engine;
        this.id = spec.id();
        this.spec = spec;
        this.purpose = Purpose.of(spec.id());
        setRoster(roster);
        this.rosterSignature = signature;
        this.votedEpoch = roster.epoch();
    }

    void emit(FellowshipEvent.Type type, Optional<NodeId> member, Optional<FellowshipMessage> message) {
        FellowshipEvent event = new FellowshipEvent(type, id, member, message, roster);
        for (FellowshipListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                FellowshipEngine.LOG.warn("A listener of fellowship {} failed on {}", id, type, e);
            }
        }
        engine.toWatchers(event);
    }

    void setRoster(Roster next) {
        Map<NodeId, FellowshipMember> index = new HashMap<>();
        next.members().forEach(x -> index.put(x.node(), x));
        byNode = Map.copyOf(index);
        roster = next;
    }

    Optional<FellowshipMember> member(NodeId node) {
        return Optional.ofNullable(byNode.get(node));
    }

    /** Tells whether the roster lists the node. */
    boolean isMember(NodeId node) {
        return byNode.containsKey(node);
    }

    @Override
    public FellowshipId id() {
        return id;
    }

    @Override
    public FellowshipSpec spec() {
        return spec;
    }

    @Override
    public Roster roster() {
        return roster;
    }

    @Override
    public boolean isCoordinator() {
        return !gone && acting && roster.coordinator().equals(engine.self());
    }

    @Override
    public void send(NodeId to, String topic, byte[] payload) throws FellowshipException {
        engine.send(this, to, topic, payload);
    }

    @Override
    public void broadcast(String topic, byte[] payload) throws FellowshipException {
        engine.broadcast(this, topic, payload);
    }

    @Override
    public CompletionStage<FellowshipMessage> request(NodeId to, String topic, byte[] payload, Duration timeout) {
        return engine.request(this, to, topic, payload, timeout);
    }

    @Override
    public void reply(FellowshipMessage request, byte[] payload) throws FellowshipException {
        engine.reply(this, request, payload);
    }

    @Override
    public AutoCloseable subscribe(FellowshipListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void leave() throws FellowshipException {
        engine.leave(this);
    }

    @Override
    public void dissolve() throws FellowshipException {
        engine.dissolve(this);
    }

    @Override
    public void resize(int targetSize) throws FellowshipException {
        engine.resize(this, targetSize);
    }

    @Override
    public String toString() {
        return id.value();
    }
}
