package org.ringfellow.fellowship.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;

/** Several fellowship engines on loopback, real TLS channels, a simulated Ring the test controls. */
final class Cluster implements AutoCloseable {

    static final Resources CONTRIBUTED = new Resources(4000, 8L << 30, 100L << 30);
    static final Duration PATIENCE = Duration.ofSeconds(30);

    final FakeRing.World world = new FakeRing.World();
    final List<Node> nodes = new ArrayList<>();

    final class Node {
        final String name;
        final TestIdentity identity;
        final FakeRing ring;
        final MemoryStore store;
        final TestNode node;
        final FellowshipEngine engine;
        final List<FellowshipEvent> events = new CopyOnWriteArrayList<>();
        boolean crashed;

        Node(String name, AdmissionPolicy policy) throws InterruptedException {
            this(name, policy, new TestIdentity(), new MemoryStore(), null);
        }

        /** A node; given an earlier node, the same identity and store, and the same Ring view. */
        Node(String name, AdmissionPolicy policy, TestIdentity identity, MemoryStore store, Node before)
                throws InterruptedException {
            this.name = name;
            this.identity = identity;
            this.store = store;
            this.ring = before != null ? before.ring : new FakeRing(identity.id(), world);
            Settings s = new Settings(policy, "127.0.0.1", 0, Optional.of("127.0.0.1"), Duration.ofMillis(100),
                    Duration.ofMillis(500), Duration.ofSeconds(5));
            // Reachable before start, as the Ring would advertise it.
            world.records.put(identity.id(), new Member(identity.id(), name, new Endpoint("127.0.0.1", 1), 1,
                    MemberState.ALIVE, ResourceAdvert.EMPTY));
            // The same node (and its reservations) across a restart, as the node bundle keeps them.
            this.node = before != null ? before.node : new TestNode(identity, name, CONTRIBUTED, Map.of());
            this.engine = new FellowshipEngine(node, ring, store, s);
            int port = engine.start().getPort();
            world.records.put(identity.id(), new Member(identity.id(), name, new Endpoint("127.0.0.1", 1), 1,
                    MemberState.ALIVE, new ResourceAdvert(CONTRIBUTED, CONTRIBUTED, Set.of("runc"), Set.of("bundle"),
                            Map.of(Settings.CHANNEL_LABEL, "127.0.0.1:" + port))));
            ring.listener = engine::ringChanged;
        }

        NodeId id() {
            return identity.id();
        }

        Optional<Fellowship> fellowship(FellowshipId f) {
            return crashed ? Optional.empty() : engine.get(f);
        }

        void listen(FellowshipId f) {
            engine.get(f).orElseThrow().subscribe(events::add);
        }

        @Override
        public String toString() {
            return name + "(" + id().shortId() + ")";
        }
    }

    Cluster(int n) throws InterruptedException {
        this(n, i -> AdmissionPolicy.OPEN);
    }

    Cluster(int n, java.util.function.IntFunction<AdmissionPolicy> policies) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            nodes.add(new Node("n" + i, policies.apply(i)));
        }
        for (Node a : nodes) {
            for (Node b : nodes) {
                if (a != b) {
                    a.ring.believe(b.id(), MemberState.ALIVE);
                }
            }
        }
    }

    Node node(int i) {
        return nodes.get(i);
    }

    Node byId(NodeId id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * kill -9 and an immediate restart: the engine stops at once and a new one starts with the
     * same key and store on a new port. The Ring never notices (no DEAD event).
     */
    Node restart(Node victim) throws InterruptedException {
        victim.engine.close();
        Node again = new Node(victim.name, AdmissionPolicy.OPEN, victim.identity, victim.store, victim);
        nodes.set(nodes.indexOf(victim), again);
        return again;
    }

    /** The node stops answering, but no Ring has noticed yet. */
    void silence(Node victim) {
        victim.crashed = true;
        victim.engine.close();
    }

    /** kill -9: the engine stops at once; every other node's Ring declares it dead. */
    void crash(Node victim) {
        victim.crashed = true;
        victim.engine.close();
        for (Node n : nodes) {
            if (n != victim && !n.crashed) {
                n.ring.believe(victim.id(), MemberState.DEAD);
            }
        }
    }

    /** Cuts the network between two groups: links refused both ways, each side's Ring says the other is dead. */
    void partition(Collection<Node> a, Collection<Node> b) {
        cut(a, b);
        cut(b, a);
    }

    /** Cuts only the network between two groups; the Rings notice nothing yet. */
    void cutNetwork(Collection<Node> a, Collection<Node> b) {
        Set<NodeId> ia = a.stream().map(Node::id).collect(Collectors.toSet());
        Set<NodeId> ib = b.stream().map(Node::id).collect(Collectors.toSet());
        a.forEach(n -> n.engine.transport().block(ib));
        b.forEach(n -> n.engine.transport().block(ia));
    }

    private void cut(Collection<Node> side, Collection<Node> other) {
        Set<NodeId> ids = other.stream().map(Node::id).collect(Collectors.toSet());
        for (Node n : side) {
            n.engine.transport().block(ids);
            for (Node o : other) {
                n.ring.believe(o.id(), MemberState.DEAD);
            }
        }
    }

    void heal() {
        for (Node n : nodes) {
            if (!n.crashed) {
                n.engine.transport().block(Set.of());
            }
        }
        for (Node n : nodes) {
            for (Node o : nodes) {
                if (n != o && !n.crashed && !o.crashed) {
                    n.ring.believe(o.id(), MemberState.ALIVE);
                }
            }
        }
    }

    List<Node> alive() {
        return nodes.stream().filter(n -> !n.crashed).toList();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, PATIENCE);
    }

    static void await(String what, BooleanSupplier condition, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(25);
        }
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            if (!n.crashed) {
                n.engine.close();
            }
        }
    }
}
