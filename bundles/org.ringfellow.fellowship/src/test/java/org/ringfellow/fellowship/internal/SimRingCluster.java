package org.ringfellow.fellowship.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.api.ring.RingException;
import org.ringfellow.api.ring.RingStats;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.discovery.Discovery;
import org.ringfellow.ring.internal.sim.SimCluster;

/**
 * Fellowship engines on the real Ring protocol (SWIM, signed member records, discovery) over
 * the Ring's simulated network. The Ring runs on its virtual clock, which one "pump" thread
 * advances in step with real time (the engines and their TLS channels on loopback run in real
 * time). Each engine sees its Ring member through {@link SimRing}: snapshots taken by the pump
 * after every step, and the member's Ring events. A node's advert is built as the Ring
 * component builds it: free = contributed minus the node's reservations, re-signed whenever a
 * reservation changes. One partition table cuts both the simulated Ring network and the
 * fellowship channels (a channel-layer filter that refuses links across groups).
 */
final class SimRingCluster implements AutoCloseable {

    static final Resources CONTRIBUTED = new Resources(4000, 8L << 30, 100L << 30);
    /** Fast failure detection: a crashed member is declared dead in about 2 s of virtual time. */
    static final RingConfig RING = RingConfig.defaultLanConfig().withProbeIntervalMillis(200)
            .withProbeTimeoutMillis(100).withGossipIntervalMillis(50).withPushPullIntervalMillis(1000)
            .withGossipToTheDeadMillis(5000);
    private static final long STEP_MILLIS = 10;

    final SimCluster sim;
    final List<Node> nodes = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Runnable> pendingEvents = new ArrayList<>();
    private final Map<NodeId, Integer> partition = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread pump;
    private volatile RuntimeException pumpFailure;
    /** How long a candidate that accepted keeps its reservation without a welcome. */
    private final Duration welcomeTimeout;

    /** One node: a simulated Ring member, its node service and its fellowship engine. */
    final class Node {
        final String name;
        final SimCluster.Node member;
        final TestNode node;
        final SimRing ring;
        final FellowshipEngine engine;
        final List<FellowshipEvent> events = new CopyOnWriteArrayList<>();
        volatile boolean crashed;
        private volatile int channelPort;

        Node(int index, AdmissionPolicy policy, Resources contributed) throws InterruptedException {
            this.member = sim.add();
            this.name = "n" + index;
            this.node = new TestNode(member.identity, name, contributed, Map.of());
            this.ring = new SimRing(this);
            Settings s = new Settings(policy, "127.0.0.1", 0, Optional.of("127.0.0.1"), Duration.ofMillis(100),
                    Duration.ofMillis(500), welcomeTimeout);
            member.start();
            ring.publish();
            this.engine = new FellowshipEngine(node, ring, new MemoryStore(), s);
            channelPort = engine.start().getPort();
            member.setAdvert(advert());
            // As the Ring component does: a reservation made or released re-signs the advert.
            node.listeners.add(info -> onPump(() -> member.setAdvert(advert())));
        }

        /** What the Ring component advertises for this node. */
        ResourceAdvert advert() {
            return new ResourceAdvert(node.contributed(), node.unreserved(), Set.of("runc"), Set.of("bundle"),
                    Map.of(Settings.CHANNEL_LABEL, "127.0.0.1:" + channelPort));
        }

        NodeId id() {
            return member.identity.id();
        }

        Optional<Fellowship> fellowship(FellowshipId f) {
            return crashed ? Optional.empty() : engine.get(f);
        }

        void listen(FellowshipId f) {
            engine.get(f).orElseThrow().subscribe(events::add);
        }

        /** This node's Ring view of another node's advert (what the other advertises, as gossiped here). */
        Optional<ResourceAdvert> advertOf(Node other) {
            return ring.member(other.id()).map(Member::advert);
        }

        @Override
        public String toString() {
            return name + "(" + id().shortId() + ")";
        }
    }

    /** A node's view of the Ring, read from the pump's snapshots. */
    final class SimRing implements Ring {
        private final Node owner;
        private volatile Member self;
        private volatile List<Member> members = List.of();
        private volatile Map<NodeId, Member> byId = Map.of();
        private volatile RingStats stats;

        SimRing(Node owner) {
            this.owner = owner;
        }

        /** Takes a snapshot of the member's view; on the pump thread (or before it starts). */
        void publish() {
            if (!owner.member.swim.running()) {
                return;
            }
            List<Member> all = List.copyOf(owner.member.swim.members());
            self = owner.member.swim.self();
            members = all;
            byId = all.stream().collect(Collectors.toUnmodifiableMap(Member::id, m -> m, (a, b) -> b));
            stats = owner.member.swim.stats();
        }

        @Override
        public org.ringfellow.api.ring.RingView view() {
            return org.ringfellow.api.ring.RingView.of(0, self(), members());
        }

        @Override
        public Member self() {
            return self;
        }

        @Override
        public List<Member> members() {
            return members;
        }

        @Override
        public Optional<Member> member(NodeId id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public void join(List<Endpoint> seeds) throws RingException {
            throw new RingException("the simulated members join when the cluster is built");
        }

        @Override
        public void leave() {
            onPump(() -> owner.member.leave());
        }

        @Override
        public List<Member> find(ResourceQuery query) {
            return Discovery.find(members, query);
        }

        @Override
        public List<Member> successors(byte[] key, int k) {
            return Discovery.successors(members, key, k);
        }

        @Override
        public RingStats stats() {
            return stats;
        }
    }

    SimRingCluster(int n, long seed) throws InterruptedException {
        this(n, seed, i -> CONTRIBUTED);
    }

    /** {@code n} nodes, node i contributing {@code contributions.apply(i)}, all with the open policy. */
    SimRingCluster(int n, long seed, java.util.function.IntFunction<Resources> contributions)
            throws InterruptedException {
        this(n, seed, contributions, Duration.ofSeconds(5));
    }

    /** As above, with the welcome timeout of every node. */
    SimRingCluster(int n, long seed, java.util.function.IntFunction<Resources> contributions, Duration welcomeTimeout)
            throws InterruptedException {
        this.welcomeTimeout = welcomeTimeout;
        sim = new SimCluster(RING, seed);
        sim.setListener(this::ringEvent);
        for (int i = 0; i < n; i++) {
            nodes.add(new Node(i, AdmissionPolicy.OPEN, contributions.apply(i)));
        }
        for (Node x : nodes.subList(1, nodes.size())) {
            x.member.join(nodes.get(0).member.address);
        }
        if (!sim.clock().runUntil(sim::converged, 50, 60_000)) {
            throw new IllegalStateException("the simulated Ring did not converge");
        }
        step(0);
        pump = new Thread(this::pumpLoop, "sim-ring-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private void ringEvent(SimCluster.Node at, RingEvent event) {
        if (at.index >= nodes.size()) {
            return; // a member still being built: its engine reads the snapshot when it starts
        }
        Node n = nodes.get(at.index);
        pendingEvents.add(() -> {
            if (!n.crashed) {
                n.engine.ringChanged(event);
            }
        });
    }

    /** Runs a task on the pump thread, before the next step. */
    void onPump(Runnable task) {
        tasks.add(task);
    }

    private void step(long millis) {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            t.run();
        }
        sim.clock().advance(millis);
        for (Node n : nodes) {
            n.ring.publish();
        }
        // Events after the snapshots, so an engine reacting to one sees a view that agrees with it.
        List<Runnable> events = new ArrayList<>(pendingEvents);
        pendingEvents.clear();
        events.forEach(Runnable::run);
    }

    private void pumpLoop() {
        long next = System.nanoTime();
        while (running.get()) {
            try {
                step(STEP_MILLIS);
            } catch (RuntimeException e) {
                pumpFailure = e;
                return;
            }
            next += STEP_MILLIS * 1_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime(); // behind (a loaded machine): virtual time slows down, never jumps
            }
        }
    }

    Node node(int i) {
        return nodes.get(i);
    }

    Node byId(NodeId id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    List<Node> alive() {
        return nodes.stream().filter(n -> !n.crashed).toList();
    }

    /** kill -9: the fellowship engine and the Ring member stop at once; the others find out through SWIM. */
    void crash(Node victim) {
        victim.crashed = true;
        victim.engine.close();
        onPump(victim.member::crash);
    }

    /**
     * Splits the network: each node goes to the group given (nodes not named stay in group 0).
     * Ring datagrams and streams across groups are lost, and fellowship links across groups are
     * refused and the open ones closed.
     */
    void partition(Map<Node, Integer> groups) {
        partition.clear();
        groups.forEach((n, g) -> partition.put(n.id(), g));
        applyPartition();
    }

    void heal() {
        partition.clear();
        applyPartition();
    }

    private void applyPartition() {
        Map<NodeId, Integer> table = new HashMap<>(partition);
        onPump(() -> {
            sim.network().heal();
            for (Node n : nodes) {
                sim.network().setPartition(n.member.address, table.getOrDefault(n.id(), 0));
            }
        });
        for (Node n : nodes) {
            if (n.crashed) {
                continue;
            }
            int group = table.getOrDefault(n.id(), 0);
            n.engine.transport().block(nodes.stream().filter(o -> table.getOrDefault(o.id(), 0) != group)
                    .map(Node::id).collect(Collectors.toSet()));
        }
    }

    /** Fails the test if the pump thread died. */
    void checkPump() {
        if (pumpFailure != null) {
            throw new AssertionError("the simulated Ring failed", pumpFailure);
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            pump.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Node n : nodes) {
            if (!n.crashed) {
                n.engine.close();
            }
        }
    }
}
