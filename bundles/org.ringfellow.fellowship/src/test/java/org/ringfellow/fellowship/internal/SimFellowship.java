package org.ringfellow.fellowship.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.channel.SimFrameNetwork;

/**
 * Real fellowship engines on one virtual clock and a simulated frame network, every random
 * choice drawn from one seed. Each node's Ring view is a {@link FakeRing} the simulation
 * drives: a crash or a partition is noticed by each observer after a seeded delay (SUSPECT,
 * then DEAD), a heal or a restart likewise (ALIVE). After every task the simulation checks
 * that no two rosters held anywhere name two coordinators for one epoch.
 */
final class SimFellowship {

    static final FellowshipId F = new FellowshipId("sim");
    static final Resources CONTRIBUTED = new Resources(4000, 8L << 30, 100L << 30);
    static final Resources SMALL = new Resources(500, 256L << 20, 1L << 30);

    final long seed;
    /** The target size of the schedule's fellowship. */
    int size;
    final Random random;
    final VirtualClock clock = new VirtualClock();
    final SimFrameNetwork net;
    final FakeRing.World world = new FakeRing.World();
    final List<Node> nodes = new ArrayList<>();
    final List<String> trace = new ArrayList<>();
    /** The coordinator each epoch's rosters name, as first seen anywhere. */
    final Map<Long, NodeId> coordinatorOf = new HashMap<>();

    final class Node {
        final int index;
        final String name;
        final String ip;
        final TestIdentity identity;
        final MemoryStore store = new MemoryStore();
        final SimNode node;
        FakeRing ring;
        VirtualClock.Host host;
        FellowshipEngine engine;
        boolean crashed;

        Node(int index) {
            this.index = index;
            this.name = "n" + index;
            this.ip = "10.0.0." + (index + 1);
            this.identity = TestIdentity.named(name);
            this.node = new SimNode(identity, name, CONTRIBUTED);
        }

        NodeId id() {
            return identity.id();
        }

        void start() {
            host = clock.host(name);
            ring = new FakeRing(id(), world);
            for (Node o : nodes) {
                if (o != this && truth(this, o)) {
                    ring.believe(o.id(), MemberState.ALIVE); // no listener yet: a fresh Ring's first view
                }
            }
            Settings s = new Settings(AdmissionPolicy.OPEN, "0.0.0.0", 0, Optional.of(ip), Duration.ofMillis(500),
                    Duration.ofSeconds(2), Duration.ofSeconds(30));
            // store writes at once, on the simulation's thread: a crash loses none
            engine = new FellowshipEngine(node, ring, store, s, host, net.transports(identity, host, ip), Runnable::run);
            try {
                engine.start();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            world.records.put(id(), new Member(id(), name, new Endpoint(ip, 1), 1, MemberState.ALIVE,
                    new ResourceAdvert(CONTRIBUTED, CONTRIBUTED, Set.of("runc"), Set.of("bundle"),
                            Map.copyOf(node.published))));
            engine.addListener(e -> trace.add(clock.now() / 1_000_000 + " " + name + " " + e.type() + " "
                    + e.member().map(m -> byId(m).name).orElse("-") + " " + describe(e.roster())));
            ring.listener = engine::ringChanged;
            crashed = false;
        }

        Optional<Membership> membership() {
            return crashed ? Optional.empty() : engine.get(F).map(Membership.class::cast);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    SimFellowship(long seed, int n) {
        this.seed = seed;
        this.random = new Random(seed);
        this.net = new SimFrameNetwork(random, (nanos, task) -> clock.schedule(nanos, TimeUnit.NANOSECONDS, task));
        for (int i = 0; i < n; i++) {
            nodes.add(new Node(i));
        }
        for (Node x : nodes) {
            world.records.put(x.id(), new Member(x.id(), x.name, new Endpoint(x.ip, 1), 1, MemberState.ALIVE,
                    ResourceAdvert.EMPTY));
        }
        for (Node x : nodes) {
            x.start();
        }
        clock.afterEach(this::check);
    }

    Node byId(NodeId id) {
        return nodes.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    }

    String describe(Roster r) {
        return "e" + r.epoch() + " v" + r.version() + " c=" + byId(r.coordinator()).name + " "
                + r.members().stream().map(m -> byId(m.node()).name).collect(Collectors.joining(",", "[", "]"));
    }

    static FellowshipSpec spec(int size) {
        return new FellowshipSpec(F, size, new ResourceQuery(SMALL, Set.of(), Set.of(), Map.of(), Set.of(), 100),
                SMALL, Duration.ofSeconds(5));
    }

    /** Whether b is up and reachable from a: what a's Ring comes to believe. */
    boolean truth(Node a, Node b) {
        return !b.crashed && !a.crashed && !net.cut(a.id(), b.id());
    }

    /** Each live observer comes to believe the truth about each other node, after a seeded delay. */
    void converge() {
        for (Node a : nodes) {
            for (Node b : nodes) {
                if (a == b || a.crashed) {
                    continue;
                }
                boolean alive = truth(a, b);
                FakeRing ring = a.ring;
                long delay = alive ? 200 + random.nextInt(1800) : 500 + random.nextInt(2500);
                if (!alive) {
                    clock.schedule(delay / 2, TimeUnit.MILLISECONDS, () -> {
                        if (a.ring == ring && !a.crashed && !truth(a, b)) {
                            ring.believe(b.id(), MemberState.SUSPECT);
                        }
                    });
                }
                clock.schedule(delay, TimeUnit.MILLISECONDS, () -> {
                    if (a.ring == ring && !a.crashed && truth(a, b) == alive) {
                        ring.believe(b.id(), alive ? MemberState.ALIVE : MemberState.DEAD);
                    }
                });
            }
        }
    }

    void crash(Node x) {
        trace.add(clock.now() / 1_000_000 + " crash " + x.name);
        x.crashed = true;
        x.engine.close();
        converge();
    }

    /** The same key and store, a new engine on a new port; memberships do not survive it. */
    void restart(Node x) {
        trace.add(clock.now() / 1_000_000 + " restart " + x.name);
        x.start();
        converge();
    }

    void partition(Set<Node> side) {
        trace.add(clock.now() / 1_000_000 + " partition " + side.stream().map(x -> x.name).sorted().toList());
        Map<NodeId, Integer> groups = new HashMap<>();
        side.forEach(x -> groups.put(x.id(), 1));
        net.partition(groups);
        converge();
    }

    void heal() {
        trace.add(clock.now() / 1_000_000 + " heal");
        net.heal();
        converge();
    }

    /** Never two coordinators of one epoch: every roster held anywhere names the epoch's first coordinator. */
    private void check() {
        for (Node x : nodes) {
            Optional<Membership> m = x.membership();
            if (m.isEmpty()) {
                continue;
            }
            Roster r = m.get().roster;
            NodeId first = coordinatorOf.putIfAbsent(r.epoch(), r.coordinator());
            if (first != null && !first.equals(r.coordinator())) {
                throw new AssertionError("seed " + seed + ": two coordinators of epoch " + r.epoch() + ": "
                        + byId(first) + " and " + byId(r.coordinator()) + " (" + x + " holds " + describe(r)
                        + ")\n" + String.join("\n", trace));
            }
        }
    }

    /**
     * Settled: exactly one acting coordinator among the live nodes that hold the fellowship, all of
     * them hold its roster, that roster lists exactly them, and it has the target size.
     */
    boolean settled(int size) {
        List<Node> holders = nodes.stream().filter(x -> x.membership().isPresent()).toList();
        List<Node> acting = holders.stream().filter(x -> x.membership().get().isCoordinator()).toList();
        if (acting.size() != 1) {
            return false;
        }
        Roster r = acting.get(0).membership().get().roster;
        Set<NodeId> members = r.members().stream().map(FellowshipMember::node).collect(Collectors.toSet());
        return r.members().size() == size && holders.size() == size
                && holders.stream().allMatch(x -> members.contains(x.id()) && x.membership().get().roster.equals(r));
    }

    Optional<Node> coordinator() {
        return nodes.stream().filter(x -> x.membership().map(Membership::isCoordinator).orElse(false)).findFirst();
    }

    void close() {
        for (Node x : nodes) {
            if (!x.crashed) {
                x.engine.close();
            }
        }
    }
}
