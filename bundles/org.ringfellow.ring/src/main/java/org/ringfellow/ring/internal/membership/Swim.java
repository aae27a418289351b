package org.ringfellow.ring.internal.membership;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.ringfellow.api.node.LatencyHistogram;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.api.ring.RingStats;
import org.ringfellow.api.ring.RingView;
import org.ringfellow.ring.internal.clock.Scheduler;
import org.ringfellow.ring.internal.codec.Accusation;
import org.ringfellow.ring.internal.codec.Codec;
import org.ringfellow.ring.internal.codec.DecodeException;
import org.ringfellow.ring.internal.codec.Interner;
import org.ringfellow.ring.internal.codec.Limits;
import org.ringfellow.ring.internal.codec.MemberRecord;
import org.ringfellow.ring.internal.codec.Message;
import org.ringfellow.ring.internal.codec.Reach;
import org.ringfellow.ring.internal.codec.Update;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;
import org.ringfellow.ring.internal.gossip.BroadcastQueue;
import org.ringfellow.ring.internal.transport.MeteredTransport;
import org.ringfellow.ring.internal.transport.Transport;

/**
 * One member's SWIM protocol with Lifeguard: probing (ping, ping-req, nack), suspicion with
 * dynamic timeouts and refutation, dissemination piggybacked on every datagram plus gossip
 * rounds, and push-pull state sync. Single-threaded: every method runs on the scheduler's
 * thread, so the same code runs on a Netty event loop or on a virtual clock. The exceptions
 * are {@link #view()} and {@link #stats()}, which any thread may call: the protocol publishes
 * an immutable {@link RingView} after every change of its view, before it tells a listener,
 * and the counters are thread-safe.
 */
public final class Swim implements Transport.Handler {

    private enum Kind { PROBE, RELAY }

    private static final class Pending {
        final long seq;
        final Kind kind;
        final NodeId target;
        long originSeq;
        Endpoint requester;
        int expectedNacks;
        int nacks;
        // Evidence for concluding before the period ends: the direct ping timed out, the TCP
        // fallback failed, and every indirect helper answered that it could not reach the target.
        boolean directTimedOut;
        boolean streamFailed;
        // when the direct ping of a probe went out, for its round trip
        long sentNanos;
        final List<Scheduler.Cancellable> timers = new ArrayList<>(2);

        Pending(long seq, Kind kind, NodeId target) {
            this.seq = seq;
            this.kind = kind;
            this.target = target;
        }

        void cancel() {
            timers.forEach(Scheduler.Cancellable::cancel);
        }
    }

    private volatile RingConfig config;
    private final NodeIdentity identity;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Random random;
    private final SignatureVerifier verifier;
    private final Consumer<RingEvent> listener;
    private final Counters counters = new Counters();
    private volatile Awareness awareness;
    /** The latest snapshot of the view, for readers on any thread; EMPTY while not running. */
    private volatile RingView view = RingView.EMPTY;
    private LongSupplier versions = new LongSupplier() {
        private long next = 1;

        @Override
        public long getAsLong() {
            return next++;
        }
    };
    /** The view changed since the last snapshot. */
    private boolean viewDirty;
    /** A snapshot is due at the end of the current event. */
    private boolean publishScheduled;
    private final BroadcastQueue broadcasts = new BroadcastQueue();
    private final Map<NodeId, MemberEntry> members = new HashMap<>();
    private final List<MemberEntry> probeList = new ArrayList<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private final MemberEntry selfEntry;
    private Interner interner;
    private int probeIndex;
    private final ProbeSchedule schedule = new ProbeSchedule();
    /** The identifier ring: self and every member not held dead or left, sorted by id. */
    private final List<MemberEntry> ring = new ArrayList<>();
    /** Counts changes of the ring; kept in step with the view, one binary insertion or removal at a time. */
    private int ringVersion;
    /** The ring version the pending probe timer's phase was computed on. */
    private int scheduledRingVersion = -1;
    /** The period the pending probe timer serves, on the ring schedule. */
    private long probePeriod = Long.MIN_VALUE;
    private int roundsSinceReap;
    private long lastUrgentGossip = Long.MIN_VALUE;
    private long probeDueAt;
    private boolean skippedForLag;
    private long nextSeq;
    private boolean running;
    private boolean leaving;
    private Scheduler.Cancellable probeTimer;
    private Scheduler.Cancellable gossipTimer;
    private Scheduler.Cancellable pushPullTimer;
    private Scheduler.Cancellable reconnectTimer;
    private Scheduler.Cancellable catchUpTimer;
    /** Members first heard of in datagrams since this member's last full state exchange. */
    private int learnedSinceSync;
    /** The size of the view at the last full state exchange. */
    private int syncedSize = 1;
    private long lastLearnedAt;
    /** A catch-up sync brought news since the last final one. */
    private boolean finalCatchUpDue;
    /** Reachability detection (observed addresses, dial-back); off unless asked for before start. */
    private boolean detectReachability;
    private final NatDetector nat = new NatDetector();
    private Scheduler.Cancellable reachTimer;
    /** Answers to others' reachability requests in the current second, bounded by {@link #REACH_ANSWERS_PER_SECOND}. */
    private int reachAnswers;
    private long reachSecond = Long.MIN_VALUE;

    /**
     * @param initialIncarnation where this life's incarnation starts; a wall-clock value makes a
     *     restarted node outrank its previous life's records without having to refute them
     */
    public Swim(RingConfig config, NodeIdentity identity, String name, ResourceAdvert advert, long initialIncarnation,
            Transport transport, Scheduler scheduler, Random random, SignatureVerifier verifier,
            Consumer<RingEvent> listener) {
        this.config = config;
        this.identity = identity;
        // Every byte and message in and out is counted here, once, whatever the transport.
        this.transport = new MeteredTransport(transport, counters);
        this.scheduler = scheduler;
        this.random = random;
        this.verifier = verifier;
        this.listener = listener;
        this.awareness = new Awareness(config.awarenessMaxMultiplier());
        this.nextSeq = random.nextInt() & 0x7fffffffL;
        MemberRecord self = MemberRecord.sign(identity, name, transport.localAddress(), initialIncarnation, false,
                advert);
        this.selfEntry = new MemberEntry(self, MemberState.ALIVE, scheduler.nowMillis());
        members.put(self.id(), selfEntry);
        ring.add(selfEntry);
    }

    /** Simulations only: share decoded statements between simulated members. */
    public void setInterner(Interner interner) {
        this.interner = interner;
    }

    /**
     * Where the versions of the published views come from: a component that restarts its member
     * passes one source to every life, so that versions keep growing across restarts.
     *
     * @param next gives a larger number at every call
     */
    public void useVersions(LongSupplier next) {
        this.versions = next;
    }

    /** Members asked where they see this member, per round. */
    static final int REACH_OBSERVERS = 4;
    /** Members asked to dial this member back, per round. */
    static final int REACH_DIALERS = 3;
    /** Most who-am-I and dial-back requests a member answers per second; the rest are dropped and counted. */
    static final int REACH_ANSWERS_PER_SECOND = 32;
    /** A decided member checks again after this many probe intervals; an undecided one after a fifth of it. */
    static final int REACH_PERIODS = 30;

    /**
     * Turns reachability detection on (before {@link #start}): every
     * {@value #REACH_PERIODS} probe intervals (a fifth of that while undecided) this member asks
     * {@value #REACH_OBSERVERS} members where they see it, then {@value #REACH_DIALERS} to dial
     * the agreed address back from another port ({@link NatDetector}), and states the verdict
     * in its record: public, NAT-mapped (its address is then the mapping), or unreachable.
     */
    public void detectReachability(boolean on) {
        this.detectReachability = on;
    }

    /** @return the reachability detector's state (protocol thread) */
    public NatDetector reachability() {
        return nat;
    }

    /** Starts listening and the protocol's timers; with no join this member is a ring of one. */
    public void start() {
        running = true;
        transport.start(this);
        changed();
        publishView();
        broadcasts.queue(selfEntry.record);
        scheduleNextProbe(true);
        gossipTimer = scheduler.schedule(random.nextInt((int) config.gossipIntervalMillis()), this::gossipRound);
        if (config.pushPullIntervalMillis() > 0) {
            // A random first delay, as memberlist staggers it, so members started together never sync together.
            pushPullTimer = scheduler.schedule((long) (random.nextDouble() * config.pushPullIntervalMillis()),
                    this::pushPullRound);
        }
        reconnectTimer = scheduler.schedule((long) (random.nextDouble() * reconnectInterval()), this::reconnectRound);
        if (detectReachability) {
            reachTimer = scheduler.schedule(config.probeIntervalMillis() * 2
                    + (long) (random.nextDouble() * config.probeIntervalMillis()), this::reachRound);
        }
    }

    /**
     * Applies new timings without a restart: this member keeps its sockets, incarnation and view.
     * Each timer picks the new values up when it next fires.
     */
    public void reconfigure(RingConfig next) {
        RingConfig previous = config;
        config = next;
        if (next.awarenessMaxMultiplier() != previous.awarenessMaxMultiplier()) {
            awareness = new Awareness(next.awarenessMaxMultiplier());
        }
        if (running && !leaving && next.pushPullIntervalMillis() > 0 && previous.pushPullIntervalMillis() == 0) {
            pushPullTimer = scheduler.schedule((long) (random.nextDouble() * next.pushPullIntervalMillis()),
                    this::pushPullRound);
        }
    }

    /** @return the timings in force */
    public RingConfig config() {
        return config;
    }

    /** Stops without a word to anyone: what a crash looks like to the others. */
    public void stop() {
        running = false;
        viewDirty = false;
        view = RingView.EMPTY;
        cancel(probeTimer);
        cancel(gossipTimer);
        cancel(pushPullTimer);
        cancel(reconnectTimer);
        cancel(catchUpTimer);
        catchUpTimer = null;
        cancel(reachTimer);
        pending.values().forEach(Pending::cancel);
        pending.clear();
        members.values().forEach(e -> {
            if (e.suspicion != null) {
                e.suspicion.cancel();
            }
        });
        transport.close();
    }

    private static void cancel(Scheduler.Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }

    public boolean running() {
        return running;
    }

    // ---------------------------------------------------------------- joining and leaving

    /**
     * Push-pull with every seed; {@code done} receives how many answered.
     */
    public void join(List<Endpoint> seeds, IntConsumer done) {
        List<Endpoint> targets = new ArrayList<>();
        for (Endpoint s : seeds) {
            if (!s.equals(transport.localAddress()) && !targets.contains(s)) {
                targets.add(s);
            }
        }
        if (targets.isEmpty()) {
            done.accept(0);
            return;
        }
        int[] outstanding = {targets.size()};
        int[] ok = {0};
        for (Endpoint seed : targets) {
            pushPull(seed, true, success -> {
                if (success) {
                    ok[0]++;
                }
                if (--outstanding[0] == 0) {
                    publishView();
                    done.accept(ok[0]);
                }
            });
        }
    }

    /**
     * Announces a graceful departure: a LEFT record signed by this member, sent at once to a few
     * members and gossiped for a few rounds; then stops and calls {@code done}.
     */
    public void leave(Runnable done) {
        if (!running || leaving) {
            done.run();
            return;
        }
        leaving = true;
        cancel(probeTimer);
        MemberRecord left = MemberRecord.sign(identity, selfEntry.record.name(), selfEntry.record.address(),
                selfEntry.record.incarnation() + 1, true, selfEntry.record.reach(), selfEntry.record.advert());
        selfEntry.record = left;
        setState(selfEntry, MemberState.LEFT);
        changed();
        broadcasts.clear();
        broadcasts.queue(left);
        for (MemberEntry e : randomMembers(Math.max(config.gossipNodes(), config.indirectChecks()) * 2, null, false)) {
            sendDatagram(e.record.address(), new Message.Gossip(List.of(left)));
        }
        long grace = Math.max(3 * config.gossipIntervalMillis(), config.probeTimeoutMillis());
        scheduler.schedule(grace, () -> {
            stop();
            done.run();
        });
    }

    /** Re-signs this member's record with a new advert (or name) and gossips it. */
    public void updateAdvert(String name, ResourceAdvert advert) {
        if (!running || leaving) {
            return;
        }
        MemberRecord current = selfEntry.record;
        if (current.name().equals(name) && current.advert().equals(advert)) {
            return;
        }
        selfEntry.record = MemberRecord.sign(identity, name, current.address(), current.incarnation() + 1, false,
                current.reach(), advert);
        changed();
        broadcasts.queue(selfEntry.record);
    }

    // ---------------------------------------------------------------- probing

    private void probeRound() {
        if (!running || leaving) {
            return;
        }
        // Lifeguard applied to our own thread: if this timer fired late, our acks are late too,
        // and a probe now would blame others for our own slowness.
        // Never two rounds in a row, though: under lasting load the multiplier has already
        // stretched the timeouts, and a member that never probes would never detect anything
        // nor reap its dead.
        long now = scheduler.nowMillis();
        boolean onRing = config.ringProbeSchedule();
        if (probeDueAt > 0 && now - probeDueAt > config.probeTimeoutMillis() / 2 && !skippedForLag) {
            counters.drop("local-lag");
            awareness.apply(1);
            skippedForLag = true;
        } else {
            skippedForLag = false;
            if (onRing && rephased()) {
                return;
            }
            MemberEntry target = onRing ? ringTarget(probePeriod) : null;
            if (target == null) {
                // Off the rotation (a ring of one, a target gone in this view, or the schedule
                // switched off): SWIM's shuffled round-robin.
                target = nextProbeTarget();
            }
            if (target != null) {
                probe(target);
            }
        }
        if (onRing && ++roundsSinceReap >= REAP_EVERY_ROUNDS) {
            // The round-robin reaps when its list wraps; on the rotation it is rarely walked.
            roundsSinceReap = 0;
            reapGone();
        }
        scheduleNextProbe(false);
    }

    /** Probe rounds between two passes that forget members gone for longer than gossip-to-the-dead. */
    static final int REAP_EVERY_ROUNDS = 10;

    /**
     * Lifeguard scales the probe period by the local health multiplier: on the rotation, a
     * member with multiplier m probes in every m-th period, at its target's phase; otherwise a
     * random first delay, then one scaled period apart.
     */
    private void scheduleNextProbe(boolean first) {
        long delay;
        if (config.ringProbeSchedule()) {
            long interval = config.probeIntervalMillis();
            long wall = scheduler.wallMillis();
            long current = ProbeSchedule.period(wall, interval);
            long next = first || probePeriod == Long.MIN_VALUE ? current : probePeriod + awareness.score() + 1;
            if (next < current) {
                // Fell behind (a stalled thread): rejoin the rotation where it is now.
                next = current;
            }
            delay = next * interval + ringPhase(next) - wall;
            if (first && delay < 0) {
                next++;
                delay = next * interval + ringPhase(next) - wall;
            }
            probePeriod = next;
            scheduledRingVersion = ringVersion;
            delay = Math.max(0, delay);
        } else {
            delay = first ? random.nextInt((int) config.probeIntervalMillis())
                    : awareness.scale(config.probeIntervalMillis());
        }
        probeDueAt = scheduler.nowMillis() + delay;
        probeTimer = scheduler.schedule(delay, this::probeRound);
    }

    /**
     * The ring changed (a join, a death) since this round's phase was computed: the rotation
     * this period is now another one, and its target may be due later in the period. Waits for
     * that phase instead of probing early, once per round. A target whose phase has passed is
     * probed now, late; views that change in the middle of a period cost that period some
     * coverage either way.
     *
     * @return true if the round was put off
     */
    private boolean rephased() {
        int target = ringTargetIndex(probePeriod);
        if (target < 0 || scheduledRingVersion == ringVersion) {
            return false;
        }
        scheduledRingVersion = ringVersion;
        long interval = config.probeIntervalMillis();
        long due = probePeriod * interval + ProbeSchedule.phase(target, ring.size(), interval);
        long delay = due - scheduler.wallMillis();
        if (delay <= 0) {
            return false;
        }
        probeDueAt = scheduler.nowMillis() + delay;
        probeTimer = scheduler.schedule(delay, this::probeRound);
        return true;
    }

    private static final java.util.Comparator<MemberEntry> BY_ID = (a, b) -> a.record.id().compareTo(b.record.id());

    /** @return the ring position this member probes in {@code period}, or -1 if there is none */
    private int ringTargetIndex(long period) {
        int n = ring.size();
        int self = Collections.binarySearch(ring, selfEntry, BY_ID);
        if (n < 2 || self < 0) {
            return -1;
        }
        return ProbeSchedule.target(self, schedule.offset(period, n), n);
    }

    /*
     * The ring changes one member at a time (a join, a death, a revival): a binary insertion or
     * removal, never a re-sort. Under churn (a ring of 1,000 on a starved CPU flips members
     * between alive and dead all the time) re-sorting the whole ring on every change cost more
     * than the protocol itself.
     */
    private void ringInsert(MemberEntry e) {
        int i = Collections.binarySearch(ring, e, BY_ID);
        if (i < 0) {
            ring.add(-i - 1, e);
        } else {
            ring.set(i, e);
        }
        ringVersion++;
    }

    private void ringRemove(MemberEntry e) {
        int i = Collections.binarySearch(ring, e, BY_ID);
        if (i >= 0 && ring.get(i) == e) {
            ring.remove(i);
            ringVersion++;
        }
    }

    private long ringPhase(long period) {
        int target = ringTargetIndex(period);
        return target < 0 ? 0 : ProbeSchedule.phase(target, ring.size(), config.probeIntervalMillis());
    }

    /** @return this period's target on the rotation, or null if it has none or it is not probeable here */
    private MemberEntry ringTarget(long period) {
        int target = ringTargetIndex(period);
        if (target < 0) {
            return null;
        }
        MemberEntry e = ring.get(target);
        return e != selfEntry && !e.gone() && members.get(e.record.id()) == e ? e : null;
    }

    private MemberEntry nextProbeTarget() {
        for (int checked = 0; checked <= probeList.size(); checked++) {
            if (probeIndex >= probeList.size()) {
                resetProbeList();
                if (probeList.isEmpty()) {
                    return null;
                }
            }
            MemberEntry e = probeList.get(probeIndex++);
            if (!e.gone() && members.get(e.record.id()) == e) {
                return e;
            }
        }
        return null;
    }

    /** New round: reap members gone for longer than gossip-to-the-dead, then shuffle. */
    private void resetProbeList() {
        reapGone();
        Collections.shuffle(probeList, random);
        probeIndex = 0;
    }

    private void reapGone() {
        long now = scheduler.nowMillis();
        boolean removed = probeList.removeIf(e -> {
            boolean reap = e.gone() && now - e.stateSince >= config.gossipToTheDeadMillis();
            if (reap && members.get(e.record.id()) == e) {
                members.remove(e.record.id());
                changed();
            }
            return reap || members.get(e.record.id()) != e;
        });
        if (removed) {
            probeIndex = Math.min(probeIndex, probeList.size());
        }
    }

    private void probe(MemberEntry target) {
        long seq = nextSeq++;
        Pending p = new Pending(seq, Kind.PROBE, target.record.id());
        pending.put(seq, p);
        // Lifeguard's buddy system: tell a suspect directly that it is suspected, so it refutes now.
        List<Update> forced = target.state == MemberState.SUSPECT && target.accusation != null
                ? List.of(target.accusation) : List.of();
        Message.Ping ping = new Message.Ping(seq, target.record.id(), List.of());
        p.sentNanos = scheduler.nowNanos();
        sendDatagram(target.record.address(),
                new Message.Ping(seq, target.record.id(), piggyback(Codec.headerSize(ping), forced)));
        long timeout = awareness.scale(config.probeTimeoutMillis());
        long interval = awareness.scale(config.probeIntervalMillis());
        Endpoint targetAddress = target.record.address();
        p.timers.add(scheduler.schedule(timeout, () -> indirectProbe(p, targetAddress)));
        p.timers.add(scheduler.schedule(interval, () -> probeFailed(p)));
    }

    private void indirectProbe(Pending p, Endpoint targetAddress) {
        if (pending.get(p.seq) != p || !running) {
            return;
        }
        p.directTimedOut = true;
        List<MemberEntry> helpers = randomMembers(config.indirectChecks(), p.target, true);
        p.expectedNacks = helpers.size();
        for (MemberEntry helper : helpers) {
            Message.PingReq req = new Message.PingReq(p.seq, p.target, targetAddress, List.of());
            sendDatagram(helper.record.address(), new Message.PingReq(p.seq, p.target, targetAddress,
                    piggyback(Codec.headerSize(req), List.of())));
        }
        // memberlist's TCP fallback: a reliable stream gets through random datagram loss, so a
        // lossy network alone does not make a healthy member suspect.
        long remaining = awareness.scale(config.probeIntervalMillis()) - awareness.scale(config.probeTimeoutMillis());
        if (remaining > 0) {
            byte[] ping = Codec.encodeDatagram(new Message.Ping(p.seq, p.target, List.of()));
            transport.request(targetAddress, ping, remaining, (reply, error) -> {
                if (!running) {
                    return;
                }
                if (reply == null) {
                    p.streamFailed = true;
                    concludeIfCertain(p);
                    return;
                }
                try {
                    if (Codec.decodeDatagram(reply) instanceof Message.Ack ack && ack.seq() == p.seq
                            && pending.get(p.seq) == p) {
                        onAck(p.seq, targetAddress);
                        return;
                    }
                } catch (DecodeException e) {
                    counters.drop(e.reason());
                }
                p.streamFailed = true;
                concludeIfCertain(p);
            });
        } else {
            p.streamFailed = true;
        }
    }

    /**
     * Concludes a probe before its period ends once the evidence is all in: the direct ping
     * timed out, the TCP fallback failed (a crashed process refuses the connection at once)
     * and every indirect helper has answered with a nack, so no ack can come any more except
     * one delayed past the helpers' own timeouts. Saves the rest of the period (about 100 ms
     * with the defaults) on every real failure; without nacks or with a stream still open, the
     * probe waits for the period's end as SWIM does.
     */
    private void concludeIfCertain(Pending p) {
        if (pending.get(p.seq) == p && p.kind == Kind.PROBE && p.directTimedOut && p.streamFailed
                && p.expectedNacks > 0 && p.nacks >= p.expectedNacks) {
            p.cancel();
            probeFailed(p);
        }
    }

    private void probeFailed(Pending p) {
        if (pending.remove(p.seq) != p || !running || leaving) {
            return;
        }
        // Lifeguard: missing nacks mean our own messages are not getting through.
        awareness.apply(p.expectedNacks > 0 ? p.expectedNacks - p.nacks : 1);
        MemberEntry target = members.get(p.target);
        if (target == null || target.gone()) {
            return;
        }
        if (target.state == MemberState.SUSPECT && target.accusation != null
                && target.accusation.incarnation() >= target.record.incarnation()
                && (target.suspicion != null && (target.suspicion.hasConfirmed(identity.id())
                        || target.suspicion.saturated())
                        || target.accusation.accuser().equals(identity.id()))) {
            // Already accused by us, or confirmed enough: another signature would change nothing.
            return;
        }
        handleAccusation(Accusation.sign(identity, p.target, target.record.incarnation(), MemberState.SUSPECT),
                true);
    }

    private void onAck(long seq, Endpoint from) {
        Pending p = pending.remove(seq);
        if (p == null) {
            return;
        }
        p.cancel();
        if (p.kind == Kind.PROBE) {
            if (!p.directTimedOut) {
                counters.probeRoundTrip(scheduler.nowNanos() - p.sentNanos);
            }
            awareness.apply(-1);
        } else {
            sendDatagram(p.requester, new Message.Ack(p.originSeq, piggyback(Codec.headerSize(
                    new Message.Ack(0, List.of())), List.of())));
        }
    }

    private void onNack(long seq) {
        Pending p = pending.get(seq);
        if (p != null && p.kind == Kind.PROBE) {
            p.nacks++;
            concludeIfCertain(p);
        }
    }

    private void onPingReq(Message.PingReq req, Endpoint from) {
        long seq = nextSeq++;
        Pending p = new Pending(seq, Kind.RELAY, req.target());
        p.originSeq = req.seq();
        p.requester = from;
        pending.put(seq, p);
        Message.Ping ping = new Message.Ping(seq, req.target(), List.of());
        sendDatagram(req.targetAddress(), new Message.Ping(seq, req.target(),
                piggyback(Codec.headerSize(ping), List.of())));
        // Lifeguard: answer "could not reach it" before the requester's own deadline.
        p.timers.add(scheduler.schedule(config.probeTimeoutMillis() * 4 / 5, () -> {
            if (pending.remove(seq) == p) {
                sendDatagram(from, new Message.Nack(req.seq(), piggyback(Codec.headerSize(
                        new Message.Nack(0, List.of())), List.of())));
            }
        }));
    }

    // ---------------------------------------------------------------- reachability

    private void reachRound() {
        if (!running || leaving) {
            return;
        }
        List<MemberEntry> observers = randomMembers(REACH_OBSERVERS, null, true);
        if (observers.size() < NatDetector.MIN_WITNESSES) {
            scheduleReach(false);
            return;
        }
        Map<Long, NatDetector.Peer> nonces = new HashMap<>();
        for (MemberEntry e : observers) {
            long nonce = random.nextLong();
            nonces.put(nonce, new NatDetector.Peer(e.record.id(), e.record.address()));
            Message.WhoAmI q = new Message.WhoAmI(nonce, e.record.id(), List.of());
            sendDatagram(e.record.address(), q);
        }
        nat.observing(nonces);
        reachTimer = scheduler.schedule(2 * config.probeTimeoutMillis(), this::reachObserved);
    }

    private void reachObserved() {
        if (!running || leaving) {
            return;
        }
        NatDetector.Observation o = nat.observation();
        if (o instanceof NatDetector.Observation.Varies v) {
            nat.symmetric(v.seen());
            applyReach(Reach.UNREACHABLE, transport.localAddress());
            scheduleReach(true);
        } else if (o instanceof NatDetector.Observation.Mapping m) {
            Map<Long, NodeId> nonces = new HashMap<>();
            for (MemberEntry e : randomMembers(REACH_DIALERS, null, true)) {
                long nonce = random.nextLong();
                nonces.put(nonce, e.record.id());
                sendDatagram(e.record.address(), new Message.DialRequest(nonce, m.mapping(), List.of()));
            }
            nat.dialing(m.mapping(), nonces);
            reachTimer = scheduler.schedule(3 * config.probeTimeoutMillis(), this::reachDialed);
        } else {
            scheduleReach(false);
        }
    }

    private void reachDialed() {
        if (!running || leaving) {
            return;
        }
        Optional<Reach> r = nat.concludeDial(transport.localAddress());
        r.ifPresent(reach -> applyReach(reach, reach == Reach.UNREACHABLE ? transport.localAddress()
                : nat.mapping().orElse(transport.localAddress())));
        scheduleReach(r.isPresent());
    }

    private void scheduleReach(boolean decided) {
        long periods = decided ? REACH_PERIODS : REACH_PERIODS / 5;
        reachTimer = scheduler.schedule(periods * config.probeIntervalMillis(), this::reachRound);
    }

    /** States a new verdict (and, NAT-mapped, the mapping as its address) in a record one incarnation up. */
    private void applyReach(Reach reach, Endpoint address) {
        MemberRecord cur = selfEntry.record;
        if (cur.reach() == reach && cur.address().equals(address)) {
            return;
        }
        selfEntry.record = MemberRecord.sign(identity, cur.name(), address, cur.incarnation() + 1, false, reach,
                cur.advert());
        changed();
        broadcasts.queue(selfEntry.record);
    }

    /** @return true if one more answer to a reachability request fits this second's budget */
    private boolean reachBudget() {
        long second = scheduler.nowMillis() / 1000;
        if (second != reachSecond) {
            reachSecond = second;
            reachAnswers = 0;
        }
        if (reachAnswers >= REACH_ANSWERS_PER_SECOND) {
            counters.drop("reach-rate");
            return false;
        }
        reachAnswers++;
        return true;
    }

    private void onWhoAmI(Message.WhoAmI q, Endpoint from) {
        if (!q.target().equals(identity.id())) {
            counters.drop("wrong-target");
            return;
        }
        if (!Codec.isIpLiteral(from.host())) {
            counters.drop("bad-address");
            return;
        }
        if (reachBudget()) {
            sendDatagram(from, new Message.Observed(q.nonce(), from, List.of()));
        }
    }

    private void onDialRequest(Message.DialRequest d, Endpoint from) {
        // AutoNAT's rule: dial only the host the request came from, so that no one can make this
        // member send to a third party.
        if (!d.target().host().equals(from.host())) {
            counters.drop("dialback-foreign-host");
            return;
        }
        if (reachBudget()) {
            transport.sendDatagramFromOtherPort(d.target(), Codec.encodeDatagram(new Message.DialBack(d.nonce(),
                    List.of())));
        }
    }

    // ---------------------------------------------------------------- gossip

    private void gossipRound() {
        if (!running) {
            return;
        }
        gossipOnce();
        gossipTimer = scheduler.schedule(config.gossipIntervalMillis(), this::gossipRound);
    }

    /**
     * A fresh suspicion, death or refutation goes out now rather than at the next gossip tick:
     * one extra gossip round, right after the message that brought it, at most once per gossip
     * interval (so gossip traffic at most doubles, however many statements arrive). Each member
     * that learns it does the same, so it crosses the ring in about log(N) network hops
     * instead of log(N) gossip intervals. Only while this member's Lifeguard score is zero.
     */
    private void gossipSoon() {
        if (!running || awareness.score() > 0) {
            // A member whose own health multiplier is up is probably the slow one: no extra rounds.
            return;
        }
        long now = scheduler.nowMillis();
        if (lastUrgentGossip != Long.MIN_VALUE && now - lastUrgentGossip < config.gossipIntervalMillis()) {
            return;
        }
        lastUrgentGossip = now;
        scheduler.execute(this::gossipOnce);
    }

    private void gossipOnce() {
        if (!running) {
            return;
        }
        if (broadcasts.size() > 0) {
            for (MemberEntry e : randomMembers(config.gossipNodes(), null, false)) {
                List<Update> updates = piggyback(Codec.headerSize(new Message.Gossip(List.of())), List.of());
                if (updates.isEmpty()) {
                    break;
                }
                sendDatagram(e.record.address(), new Message.Gossip(updates));
            }
        }
    }

    private List<Update> piggyback(int headerSize, List<Update> forced) {
        int budget = Limits.MAX_DATAGRAM - headerSize;
        List<Update> out = new ArrayList<>(forced);
        for (Update u : forced) {
            budget -= u.encoded().length + Codec.UPDATE_OVERHEAD;
        }
        out.addAll(broadcasts.take(budget, Limits.MAX_PIGGYBACK - out.size(),
                BroadcastQueue.retransmitLimit(config.retransmitMult(), members.size())));
        return out;
    }

    /**
     * Up to {@code n} distinct random members other than this one and {@code exclude}: alive
     * (and suspect, unless {@code aliveOnly}), or recently gone so they hear their own obituary.
     */
    private List<MemberEntry> randomMembers(int n, NodeId exclude, boolean aliveOnly) {
        List<MemberEntry> out = new ArrayList<>(n);
        int size = probeList.size();
        if (size == 0) {
            return out;
        }
        long now = scheduler.nowMillis();
        for (int tries = 0; tries < 3 * n + 8 && out.size() < n; tries++) {
            MemberEntry e = probeList.get(random.nextInt(size));
            if (members.get(e.record.id()) != e || out.contains(e) || e.record.id().equals(exclude)) {
                continue;
            }
            boolean eligible = aliveOnly ? e.state == MemberState.ALIVE
                    : e.state == MemberState.ALIVE || e.state == MemberState.SUSPECT
                            || now - e.stateSince < config.gossipToTheDeadMillis();
            if (eligible) {
                out.add(e);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- push-pull

    /** Members up to which the push-pull period is the configured one. */
    static final int PUSH_PULL_BASE_MEMBERS = 32;

    /**
     * The push-pull period grows in proportion to the ring beyond 32 members. A full sync
     * carries every record, so its cost per member is (N records) / period: memberlist's log N
     * scaling still lets it grow with N (at 10,000 members, 30 s x 10 = 300 s for 2.5 MB each
     * way), while a period in proportion to N keeps bytes per member per second flat. The ring
     * as a whole still runs one sync per period / 32 (about one a second with the defaults), and
     * gossip, not push-pull, is what spreads changes; push-pull is the backstop.
     */
    long pushPullInterval() {
        int n = members.size();
        if (n <= PUSH_PULL_BASE_MEMBERS) {
            return config.pushPullIntervalMillis();
        }
        return (long) (config.pushPullIntervalMillis() * ((double) n / PUSH_PULL_BASE_MEMBERS));
    }

    private void pushPullRound() {
        if (!running || leaving || config.pushPullIntervalMillis() == 0) {
            return;
        }
        List<MemberEntry> peer = randomMembers(1, null, true);
        if (!peer.isEmpty()) {
            pushPull(peer.get(0).record.address(), false, ok -> { });
        }
        pushPullTimer = scheduler.schedule(pushPullInterval(), this::pushPullRound);
    }

    private long reconnectInterval() {
        // A few attempts per gone member before it is reaped, and never more often than probes.
        return Math.max(config.probeIntervalMillis(), config.gossipToTheDeadMillis() / 3);
    }

    /**
     * serf's reconnect: now and then, knock on a member held dead or left. Its node may have
     * restarted with no seed that reaches us (a seed restarts alone): probes skip it and no
     * push-pull picks it, so without this the two sides would never meet again. A TCP ping
     * first, so a member that is really gone costs a few bytes; an answer from its new life
     * brings a full state exchange, after which its newer incarnation outranks the old record.
     */
    private void reconnectRound() {
        if (!running || leaving) {
            return;
        }
        MemberEntry gone = randomGone();
        if (gone != null) {
            Endpoint address = gone.record.address();
            NodeId id = gone.record.id();
            byte[] ping = Codec.encodeDatagram(new Message.Ping(nextSeq++, id, List.of()));
            transport.request(address, ping, config.probeTimeoutMillis(), (reply, error) -> {
                if (reply == null || !running || leaving) {
                    return;
                }
                try {
                    if (Codec.decodeDatagram(reply) instanceof Message.Ack) {
                        pushPull(address, false, ok -> { });
                    }
                } catch (DecodeException e) {
                    counters.drop(e.reason());
                }
            });
        }
        reconnectTimer = scheduler.schedule(reconnectInterval(), this::reconnectRound);
    }

    /** A random member held dead or left and not yet reaped, found by sampling: cheap at any size. */
    private MemberEntry randomGone() {
        int size = probeList.size();
        for (int tries = 0; tries < 16 && size > 0; tries++) {
            MemberEntry e = probeList.get(random.nextInt(size));
            if (e.gone() && members.get(e.record.id()) == e) {
                return e;
            }
        }
        return null;
    }

    /** New members heard of by gossip since the last sync before a catch-up sync is due. */
    static final int CATCH_UP_MIN_NEW = 3;
    /** Growth of the view since the last sync that calls for a catch-up sync at once. */
    static final double CATCH_UP_GROWTH = 0.25;

    /**
     * Catch-up sync: a member that hears of several members it did not know
     * ({@link #CATCH_UP_MIN_NEW} or more since its last full state exchange) is in a join storm
     * (a cold start, a mass restart) and does a push-pull with a random member: at once when its
     * view has grown by a quarter since its last exchange, otherwise once it has heard of no one
     * new for 1.5 gossip intervals. Gossip cannot carry a storm: each record must be sent
     * {@code retransmitMult x log10 N} times by every member that learns it, more than the
     * datagrams of a gossip round hold, so the rumours die with members left out, and the
     * periodic push-pull (every 30 s x N / 32 per member) took tens of seconds to fill the gaps.
     * One exchange carries the whole view. Records learned in a catch-up sync are not
     * re-gossiped (the syncs spread them; re-gossiping them filled every queue), and a sync that
     * brought new members counts as hearing of them, so another follows until one brings nothing;
     * then one last exchange follows a probe period later, when the storm's last records have
     * spread, for what gossip left out of this view.
     * A single join, or two, never triggers one: with no join storm the traffic is unchanged.
     */
    private void learnedByGossip(int count) {
        learnedSinceSync += count;
        lastLearnedAt = scheduler.nowMillis();
        if (!running || leaving || learnedSinceSync < CATCH_UP_MIN_NEW) {
            return;
        }
        if (members.size() >= syncedSize * (1 + CATCH_UP_GROWTH)) {
            catchUp();
        } else if (catchUpTimer == null) {
            catchUpTimer = scheduler.schedule(catchUpSettleMillis(), this::catchUpDue);
        }
    }

    private long catchUpSettleMillis() {
        return config.gossipIntervalMillis() * 3 / 2;
    }

    private void catchUpDue() {
        catchUpTimer = null;
        if (!running || leaving || learnedSinceSync < CATCH_UP_MIN_NEW) {
            return;
        }
        long quiet = scheduler.nowMillis() - lastLearnedAt;
        if (quiet < catchUpSettleMillis()) {
            catchUpTimer = scheduler.schedule(catchUpSettleMillis() - quiet, this::catchUpDue);
            return;
        }
        catchUp();
    }

    private void catchUp() {
        cancel(catchUpTimer);
        catchUpTimer = null;
        List<MemberEntry> peer = randomMembers(1, null, true);
        if (peer.isEmpty()) {
            return;
        }
        counters.catchUpSync();
        learnedSinceSync = 0;
        syncedSize = members.size();
        byte[] request = Codec.encodeStream(localState(false));
        transport.request(peer.get(0).record.address(), request, config.tcpTimeoutMillis(), (reply, error) -> {
            if (error != null || reply == null || !running) {
                return;
            }
            try {
                int known = members.size();
                mergeState(Codec.decodeStream(reply), false);
                if (members.size() > known) {
                    finalCatchUpDue = true;
                    learnedByGossip(Math.max(CATCH_UP_MIN_NEW, members.size() - known));
                } else if (finalCatchUpDue && catchUpTimer == null) {
                    // The chain has run dry: one last exchange a probe period later, when the
                    // storm's last records have spread, picks up what gossip left out here.
                    finalCatchUpDue = false;
                    catchUpTimer = scheduler.schedule(config.probeIntervalMillis(), this::catchUp);
                }
            } catch (DecodeException e) {
                counters.drop(e.reason());
            }
        });
    }

    private void pushPull(Endpoint to, boolean join, Consumer<Boolean> done) {
        learnedSinceSync = 0;
        syncedSize = members.size();
        byte[] request = Codec.encodeStream(localState(join));
        transport.request(to, request, config.tcpTimeoutMillis(), (reply, error) -> {
            if (error != null || reply == null || !running) {
                done.accept(false);
                return;
            }
            try {
                mergeState(Codec.decodeStream(reply), !join);
                done.accept(true);
            } catch (DecodeException e) {
                counters.drop(e.reason());
                done.accept(false);
            }
        });
    }

    private Message.PushPull localState(boolean join) {
        List<MemberRecord> records = new ArrayList<>(members.size());
        List<Accusation> accusations = new ArrayList<>();
        for (MemberEntry e : members.values()) {
            records.add(e.record);
            if (e.accusation != null && (e.state == MemberState.SUSPECT || e.state == MemberState.DEAD)) {
                accusations.add(e.accusation);
            }
        }
        return new Message.PushPull(join, records, accusations);
    }

    private void mergeState(Message.PushPull state, boolean rebroadcast) {
        for (MemberRecord r : state.records()) {
            handleRecord(r, false, rebroadcast);
        }
        for (Accusation a : state.accusations()) {
            handleAccusation(a, false);
        }
    }

    @Override
    public byte[] onRequest(Endpoint from, byte[] data) {
        if (!running) {
            return null;
        }
        if (data.length > 3 && data[3] == Codec.PING) {
            return tcpPing(data);
        }
        Message.PushPull remote;
        try {
            remote = Codec.decodeStream(data);
        } catch (DecodeException e) {
            counters.drop(e.reason());
            return null;
        }
        byte[] reply = Codec.encodeStream(localState(false));
        mergeState(remote, true);
        learnedSinceSync = 0;
        syncedSize = members.size();
        return reply;
    }

    private byte[] tcpPing(byte[] data) {
        try {
            if (Codec.decodeDatagram(data) instanceof Message.Ping ping) {
                if (!ping.target().equals(identity.id())) {
                    counters.drop("wrong-target");
                    return null;
                }
                byte[] ack = Codec.encodeDatagram(new Message.Ack(ping.seq(), List.of()));
                return ack;
            }
            counters.drop("unknown-type");
        } catch (DecodeException e) {
            counters.drop(e.reason());
        }
        return null;
    }

    // ---------------------------------------------------------------- input

    @Override
    public void onDatagram(Endpoint from, byte[] data) {
        if (!running) {
            return;
        }
        Message m;
        try {
            m = Codec.decodeDatagram(data);
        } catch (DecodeException e) {
            counters.drop(e.reason());
            return;
        }
        try {
            dispatch(m, from);
        } catch (RuntimeException e) {
            // A bug must cost one message, not the member.
            counters.drop("internal-error");
        }
    }

    @Override
    public void onDrop(String reason) {
        counters.drop(reason);
    }

    private void dispatch(Message m, Endpoint from) {
        if (m instanceof Message.Ping p) {
            applyUpdates(p.updates());
            if (!p.target().equals(identity.id())) {
                counters.drop("wrong-target");
                return;
            }
            sendDatagram(from, new Message.Ack(p.seq(), piggyback(Codec.headerSize(new Message.Ack(0, List.of())),
                    List.of())));
        } else if (m instanceof Message.PingReq r) {
            applyUpdates(r.updates());
            onPingReq(r, from);
        } else if (m instanceof Message.Ack a) {
            onAck(a.seq(), from);
            applyUpdates(a.updates());
        } else if (m instanceof Message.Nack n) {
            onNack(n.seq());
            applyUpdates(n.updates());
        } else if (m instanceof Message.Gossip g) {
            applyUpdates(g.updates());
        } else if (m instanceof Message.WhoAmI q) {
            applyUpdates(q.updates());
            onWhoAmI(q, from);
        } else if (m instanceof Message.Observed o) {
            applyUpdates(o.updates());
            if (!nat.observed(o.nonce(), from, o.observed())) {
                counters.drop("observed-unsolicited");
            }
        } else if (m instanceof Message.DialRequest d) {
            applyUpdates(d.updates());
            onDialRequest(d, from);
        } else if (m instanceof Message.DialBack b) {
            if (!nat.dialedBack(b.nonce())) {
                counters.drop("dialback-unsolicited");
            }
        }
    }

    private void applyUpdates(List<Update> updates) {
        // Records first: an accusation in the same packet may need its accuser's key.
        int known = members.size();
        for (Update u : updates) {
            if (u instanceof MemberRecord r) {
                handleRecord(r, false, true);
            }
        }
        if (members.size() > known) {
            learnedByGossip(members.size() - known);
        }
        for (Update u : updates) {
            if (u instanceof Accusation a) {
                handleAccusation(a, false);
            }
        }
    }

    // ---------------------------------------------------------------- merging

    void handleRecord(MemberRecord incoming, boolean local, boolean rebroadcast) {
        MemberRecord r = interner == null ? incoming : interner.intern(incoming);
        long now = scheduler.nowMillis();
        if (r.id().equals(identity.id())) {
            MemberRecord self = selfEntry.record;
            if (r.sameAs(self) || r.incarnation() < self.incarnation() || leaving) {
                return;
            }
            if (!r.verify(verifier)) {
                counters.drop("bad-signature");
                return;
            }
            // Our own statement from an earlier life is circulating: outrank it.
            refute(r.incarnation());
            return;
        }
        MemberEntry e = members.get(r.id());
        if (e != null && !Merge.recordSupersedes(r, e.record)) {
            if (!r.left() && e.accusation != null && e.accusation.incarnation() >= r.incarnation()
                    && !r.sameAs(e.record) && now - e.lastRegossip >= config.probeIntervalMillis()) {
                // A restarted member is still speaking at an accused incarnation: tell it, so it refutes.
                e.lastRegossip = now;
                sendDatagram(r.address(), new Message.Gossip(List.of(e.accusation)));
            }
            return;
        }
        if (!local && !r.verify(verifier)) {
            counters.drop("bad-signature");
            return;
        }
        MemberState before;
        if (e == null) {
            before = null;
            e = new MemberEntry(r, MemberState.ALIVE, now);
            members.put(r.id(), e);
            changed();
            ringInsert(e);
            int pos = probeList.isEmpty() ? 0 : random.nextInt(probeList.size() + 1);
            probeList.add(pos, e);
            if (pos < probeIndex) {
                probeIndex++;
            }
        } else {
            before = e.state;
            e.record = r;
            changed();
            if (e.accusation != null && e.accusation.incarnation() < r.incarnation()) {
                e.accusation = null;
            }
        }
        MemberState after = Merge.effectiveState(e.record, e.accusation);
        if (after != MemberState.SUSPECT && e.suspicion != null) {
            e.suspicion.cancel();
            e.suspicion = null;
        }
        setState(e, after);
        if (rebroadcast) {
            broadcasts.queue(r);
        }
        if (after == MemberState.ALIVE && (before == MemberState.SUSPECT || before == MemberState.DEAD)) {
            // A refutation or a revival races the accusation it answers.
            gossipSoon();
        }
        if (after == MemberState.ALIVE) {
            if (before == null || before == MemberState.DEAD || before == MemberState.LEFT) {
                // Every entry of the view other than self is in the probe list until it is reaped.
                emit(RingEvent.Type.JOINED, e);
            } else if (before == MemberState.SUSPECT) {
                emit(RingEvent.Type.ALIVE, e);
            } else {
                emit(RingEvent.Type.UPDATED, e);
            }
        } else if (after == MemberState.LEFT && before != MemberState.LEFT) {
            emit(RingEvent.Type.LEFT, e);
        }
    }

    void handleAccusation(Accusation incoming, boolean local) {
        Accusation a = interner == null ? incoming : interner.intern(incoming);
        if (a.target().equals(identity.id())) {
            if (leaving) {
                return;
            }
            MemberEntry accuser = members.get(a.accuser());
            if (!local && (accuser == null || !a.verify(verifier, accuser.record.publicKey()))) {
                counters.drop(accuser == null ? "unknown-accuser" : "bad-signature");
                return;
            }
            if (a.incarnation() >= selfEntry.record.incarnation()) {
                refute(a.incarnation());
            }
            return;
        }
        if (a.accuser().equals(a.target())) {
            counters.drop("malformed");
            return;
        }
        MemberEntry e = members.get(a.target());
        if (e == null || !Merge.accusationApplies(a, e.record, e.accusation)
                && !isNewConfirmation(a, e)) {
            return;
        }
        MemberEntry accuser = a.accuser().equals(identity.id()) ? selfEntry : members.get(a.accuser());
        if (accuser == null) {
            counters.drop("unknown-accuser");
            return;
        }
        if (!local && !a.verify(verifier, accuser.record.publicKey())) {
            counters.drop("bad-signature");
            return;
        }
        if (isNewConfirmation(a, e)) {
            if (e.suspicion.confirm(a.accuser())) {
                broadcasts.queue(a);
            }
            return;
        }
        e.accusation = a;
        broadcasts.queue(a);
        gossipSoon();
        if (a.state() == MemberState.SUSPECT) {
            startSuspicion(e, a);
            setState(e, MemberState.SUSPECT);
            emit(RingEvent.Type.SUSPECTED, e);
        } else {
            if (e.suspicion != null) {
                e.suspicion.cancel();
                e.suspicion = null;
            }
            boolean wasDead = e.state == MemberState.DEAD;
            setState(e, MemberState.DEAD);
            if (!wasDead) {
                emit(RingEvent.Type.DEAD, e);
            }
        }
    }

    private static boolean isNewConfirmation(Accusation a, MemberEntry e) {
        return a.state() == MemberState.SUSPECT && e.state == MemberState.SUSPECT && e.suspicion != null
                && e.accusation != null && e.accusation.incarnation() == a.incarnation()
                && !e.suspicion.hasConfirmed(a.accuser());
    }

    private void startSuspicion(MemberEntry e, Accusation a) {
        if (e.suspicion != null) {
            e.suspicion.cancel();
        }
        int n = members.size();
        int k = config.suspicionMult() - 2;
        if (n - 2 < k) {
            k = 0;
        }
        long min = (long) (config.suspicionMult() * Math.max(1.0, Math.log10(Math.max(1, n)))
                * config.probeIntervalMillis());
        long max = config.suspicionMaxTimeoutMult() * min;
        NodeId target = e.record.id();
        long incarnation = a.incarnation();
        e.suspicion = new Suspicion(scheduler, a.accuser(), k, min, max, () -> {
            MemberEntry now = members.get(target);
            if (running && now != null && now.state == MemberState.SUSPECT && now.accusation != null
                    && now.accusation.incarnation() == incarnation) {
                if (now.accusation.accuser().equals(identity.id())) {
                    handleAccusation(Accusation.sign(identity, target, incarnation, MemberState.DEAD), true);
                } else {
                    declareDeadLocally(now);
                }
            }
        });
    }

    /**
     * A suspicion timed out here, and someone else accused: the member is dead in this view,
     * without a statement of ours. Only the accuser signs and gossips DEAD (its own timer
     * started first). memberlist has every member broadcast its own "dead"; with signatures
     * that is N signatures and N x N verifications per death, which on a ring of 1,000 in one
     * JVM was most of the CPU and turned every false suspicion into an overload spiral. The
     * held SUSPECT accusation stays, so push-pull passes the suspicion on and a newer record
     * from the member's owner still revives it.
     */
    private void declareDeadLocally(MemberEntry e) {
        if (e.suspicion != null) {
            e.suspicion.cancel();
            e.suspicion = null;
        }
        setState(e, MemberState.DEAD);
        emit(RingEvent.Type.DEAD, e);
    }

    private void refute(long accusedIncarnation) {
        long inc = Math.max(selfEntry.record.incarnation(), accusedIncarnation) + 1;
        MemberRecord cur = selfEntry.record;
        selfEntry.record = MemberRecord.sign(identity, cur.name(), cur.address(), inc, false, cur.reach(),
                cur.advert());
        changed();
        broadcasts.queue(selfEntry.record);
        gossipSoon();
        awareness.apply(1);
    }

    private void setState(MemberEntry e, MemberState s) {
        if (e.state != s) {
            boolean wasGone = e.gone();
            e.state = s;
            e.stateSince = scheduler.nowMillis();
            changed();
            if (wasGone && !e.gone()) {
                ringInsert(e);
            } else if (!wasGone && e.gone()) {
                ringRemove(e);
            }
        }
    }

    private void emit(RingEvent.Type type, MemberEntry e) {
        // A listener that reads the view sees the change it is told about.
        publishView();
        try {
            listener.accept(new RingEvent(type, e.toMember()));
        } catch (RuntimeException ex) {
            counters.drop("listener-error");
        }
    }

    private void sendDatagram(Endpoint to, Message m) {
        byte[] b = Codec.encodeDatagram(m);
        transport.sendDatagram(to, b);
    }

    // ---------------------------------------------------------------- views (protocol thread)

    public Member self() {
        return selfEntry.toMember();
    }

    /** @return this member's current signed record */
    public MemberRecord selfRecord() {
        return selfEntry.record;
    }

    public NodeId id() {
        return identity.id();
    }

    public List<Member> members() {
        List<Member> out = new ArrayList<>(members.size());
        members.values().forEach(e -> out.add(e.toMember()));
        return out;
    }

    public Optional<Member> member(NodeId id) {
        MemberEntry e = members.get(id);
        return e == null ? Optional.empty() : Optional.of(e.toMember());
    }

    /** @return this view's state of a member, or null if it does not know it (cheap, for simulations) */
    public MemberState stateOf(NodeId id) {
        MemberEntry e = members.get(id);
        return e == null ? null : e.state;
    }

    public int size() {
        return members.size();
    }

    public long incarnation() {
        return selfEntry.record.incarnation();
    }

    /** @return updates waiting in the broadcast queue (for simulations and diagnostics) */
    public int pendingBroadcasts() {
        return broadcasts.size();
    }

    public int healthScore() {
        return awareness.score();
    }

    public Counters counters() {
        return counters;
    }

    /**
     * Returns the counters and the members by state of the latest published view. Any thread.
     *
     * @return a snapshot of the counters
     */
    public RingStats stats() {
        Map<MemberState, Integer> byState = new EnumMap<>(MemberState.class);
        for (MemberState s : MemberState.values()) {
            byState.put(s, 0);
        }
        view.members().forEach(m -> byState.merge(m.state(), 1, Integer::sum));
        Awareness a = awareness;
        return new RingStats(counters.messagesIn(), counters.messagesOut(), counters.bytesIn(), counters.bytesOut(),
                counters.drops(), a.scale(config.probeIntervalMillis()), a.score(), byState);
    }

    /**
     * Returns the round trips of this member's probes answered directly (ping to ack, before the direct
     * timeout). Any thread.
     *
     * @return the histogram's counts now
     */
    public LatencyHistogram.Snapshot probeRoundTrips() {
        return counters.probeRoundTrips();
    }

    /**
     * Returns the latest snapshot of this member's view. Any thread, without a hand-off.
     *
     * @return the view published after the last change; {@link RingView#EMPTY} unless running
     */
    public RingView view() {
        return view;
    }

    /** Notes a change of the view; the snapshot follows at the end of the current event at the latest. */
    private void changed() {
        viewDirty = true;
        if (!publishScheduled && running) {
            publishScheduled = true;
            scheduler.schedule(0, () -> {
                publishScheduled = false;
                publishView();
            });
        }
    }

    /** Publishes a snapshot if the view changed since the last one (protocol thread). */
    private void publishView() {
        if (!viewDirty || !running) {
            return;
        }
        viewDirty = false;
        List<Member> all = new ArrayList<>(members.size());
        members.values().forEach(e -> all.add(e.toMember()));
        view = RingView.of(versions.getAsLong(), selfEntry.toMember(), all);
    }

    /** For tests and simulations: every member this view holds records of, without copying records. */
    public int countInState(MemberState s) {
        int n = 0;
        for (MemberEntry e : members.values()) {
            if (e.state == s) {
                n++;
            }
        }
        return n;
    }

    /**
     * Simulations only: pre-forms a converged view without a join storm, as if these records
     * had been received and verified long ago. No events, no gossip.
     */
    public void adoptForSimulation(List<MemberRecord> records) {
        long now = scheduler.nowMillis();
        for (MemberRecord r : records) {
            if (!r.id().equals(identity.id()) && !members.containsKey(r.id())) {
                MemberEntry e = new MemberEntry(r, MemberState.ALIVE, now);
                members.put(r.id(), e);
                changed();
                probeList.add(e);
                ringInsert(e);
            }
        }
        Collections.shuffle(probeList, random);
        probeIndex = 0;
        if (running && pushPullTimer != null) {
            // A ring that has run for long: each member's next sync anywhere in its (scaled) period.
            pushPullTimer.cancel();
            pushPullTimer = scheduler.schedule((long) (random.nextDouble() * pushPullInterval()), this::pushPullRound);
        }
    }
}
