package org.ringfellow.app.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
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
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingStats;

/**
 * Fellowships of several nodes in one JVM, with the contract the engine relies on: events to
 * every member's whiteboard listener in order (one delivery thread per node), requests with
 * replies and timeouts, a coordinator that is the first member in roster order, a
 * replacement recruited from the spare nodes when a member dies. The engines under test and
 * their containers are real; only the network between them is this.
 */
final class FakeFellowships {

    private final Map<NodeId, Node> nodes = new ConcurrentHashMap<>();
    private final Map<FellowshipId, Group> groups = new ConcurrentHashMap<>();
    private final AtomicLong correlations = new AtomicLong();
    private final Map<Long, CompletableFuture<FellowshipMessage>> pending = new ConcurrentHashMap<>();
    final AtomicLong delivered = new AtomicLong();
    /** True on a delivery thread while it runs a listener's callback. */
    static final ThreadLocal<Boolean> IN_LISTENER = ThreadLocal.withInitial(() -> false);
    /** Work the listener contract forbids that was seen on a listener's callback (file reads answered there). */
    final List<String> listenerViolations = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Requests never delivered (they time out), as {@code <node hex>/<topic>} of the node asked. */
    final Set<String> muted = ConcurrentHashMap.newKeySet();
    /** Each node's labels as its Ring advert shows them (the node's own, published ones included). */
    final Map<NodeId, java.util.function.Supplier<Map<String, String>>> labels = new ConcurrentHashMap<>();

    private final class Node {
        final NodeId id;
        final String name;
        final ExecutorService inbox;
        volatile FellowshipListener listener;
        volatile boolean alive = true;

        Node(NodeId id, String name) {
            this.id = id;
            this.name = name;
            this.inbox = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "fake-fellowship-" + name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    private final class Group {
        volatile FellowshipSpec spec;
        final List<NodeId> members = new ArrayList<>();
        /** Nodes that left and refuse to be invited back. */
        final Set<NodeId> refusing = new java.util.HashSet<>();
        long version = 1;
        long epoch = 1;

        Group(FellowshipSpec spec) {
            this.spec = spec;
        }

        synchronized Roster roster() {
            return new Roster(spec.id(), version, epoch, members.isEmpty() ? null : members.get(0),
                    members.stream().map(n -> new FellowshipMember(n, "key", new Endpoint("127.0.0.1", 7790)))
                            .toList());
        }
    }

    void add(NodeId id, String name) {
        nodes.put(id, new Node(id, name));
    }

    void listen(NodeId id, FellowshipListener listener) {
        nodes.get(id).listener = listener;
    }

    FellowshipService serviceOf(NodeId self) {
        return new Service(self);
    }

    Ring ringOf(NodeId self) {
        return new FakeRing(self);
    }

    private void emit(NodeId to, FellowshipEvent event) {
        Node n = nodes.get(to);
        if (n == null || !n.alive) {
            return;
        }
        n.inbox.execute(() -> {
            FellowshipListener l = n.listener;
            if (l != null && n.alive) {
                delivered.incrementAndGet();
                IN_LISTENER.set(true);
                try {
                    l.onEvent(event);
                } finally {
                    IN_LISTENER.set(false);
                }
            }
        });
    }

    private void emitAll(Group g, FellowshipEvent.Type type, NodeId member) {
        Roster r = g.roster();
        for (FellowshipMember m : r.members()) {
            emit(m.node(), new FellowshipEvent(type, g.spec.id(), Optional.ofNullable(member), Optional.empty(), r));
        }
    }

    /** A node dies: its fellowships lose it, a replacement is recruited where a spare node exists. */
    void kill(NodeId id) {
        Node n = nodes.get(id);
        n.alive = false;
        n.inbox.shutdownNow();
        for (Group g : groups.values()) {
            NodeId oldCoordinator;
            boolean was;
            synchronized (g) {
                oldCoordinator = g.members.isEmpty() ? null : g.members.get(0);
                was = g.members.remove(id);
                if (was) {
                    g.version++;
                    if (id.equals(oldCoordinator)) {
                        g.epoch++;
                    }
                }
            }
            if (!was) {
                continue;
            }
            if (g.roster().members().isEmpty()) {
                // its last member died: the fellowship is gone, and may be founded again
                groups.remove(g.spec.id(), g);
                continue;
            }
            emitAll(g, FellowshipEvent.Type.MEMBER_LEFT, id);
            if (id.equals(oldCoordinator)) {
                emitAll(g, FellowshipEvent.Type.COORDINATOR_CHANGED, null);
            }
            recruit(g);
        }
    }

    private void recruit(Group g) {
        while (true) {
            NodeId pick;
            synchronized (g) {
                if (g.members.size() >= g.spec.targetSize()) {
                    return;
                }
                pick = nodes.values().stream().filter(x -> x.alive && !g.members.contains(x.id)
                        && !g.refusing.contains(x.id)).map(x -> x.id).sorted().findFirst().orElse(null);
                if (pick == null) {
                    return;
                }
                g.members.add(pick);
                g.version++;
            }
            emitAll(g, FellowshipEvent.Type.MEMBER_JOINED, pick);
        }
    }

    private final class Service implements FellowshipService {
        final NodeId self;

        Service(NodeId self) {
            this.self = self;
        }

        @Override
        public CompletionStage<Fellowship> create(FellowshipSpec spec) {
            Group g = new Group(spec);
            if (groups.putIfAbsent(spec.id(), g) != null) {
                return CompletableFuture.failedFuture(new FellowshipException("fellowship " + spec.id() + " exists"));
            }
            synchronized (g) {
                g.members.add(self);
            }
            emitAll(g, FellowshipEvent.Type.MEMBER_JOINED, self);
            recruit(g);
            if (g.roster().members().size() < spec.targetSize()) {
                groups.remove(spec.id());
                return CompletableFuture.failedFuture(new FellowshipException("not enough members"));
            }
            return CompletableFuture.completedFuture(new View(self, g));
        }

        @Override
        public List<Fellowship> list() {
            return groups.values().stream().filter(g -> g.roster().contains(self)).map(g -> (Fellowship) new View(self,
                    g)).toList();
        }

        @Override
        public Optional<Fellowship> get(FellowshipId id) {
            Group g = groups.get(id);
            return g != null && g.roster().contains(self) && nodes.get(self).alive ? Optional.of(new View(self, g))
                    : Optional.empty();
        }

        @Override
        public AdmissionPolicy policy() {
            return AdmissionPolicy.OPEN;
        }

        @Override
        public Map<FellowshipId, Resources> reservations() {
            return Map.of();
        }
    }

    private final class View implements Fellowship {
        final NodeId self;
        final Group g;

        View(NodeId self, Group g) {
            this.self = self;
            this.g = g;
        }

        @Override
        public FellowshipId id() {
            return g.spec.id();
        }

        @Override
        public FellowshipSpec spec() {
            return g.spec;
        }

        @Override
        public Roster roster() {
            return g.roster();
        }

        @Override
        public boolean isCoordinator() {
            return self.equals(g.roster().coordinator());
        }

        private void check(NodeId to) throws FellowshipException {
            if (!g.roster().contains(to)) {
                throw new FellowshipException(to.shortId() + " is not a member");
            }
        }

        @Override
        public void send(NodeId to, String topic, byte[] payload) throws FellowshipException {
            check(to);
            emit(to, new FellowshipEvent(FellowshipEvent.Type.MESSAGE, g.spec.id(), Optional.of(self),
                    Optional.of(new FellowshipMessage(g.spec.id(), self, topic, payload, 0)), g.roster()));
        }

        @Override
        public void broadcast(String topic, byte[] payload) throws FellowshipException {
            for (FellowshipMember m : g.roster().members()) {
                if (!m.node().equals(self)) {
                    send(m.node(), topic, payload);
                }
            }
        }

        @Override
        public CompletionStage<FellowshipMessage> request(NodeId to, String topic, byte[] payload, Duration timeout) {
            try {
                check(to);
            } catch (FellowshipException e) {
                return CompletableFuture.failedFuture(e);
            }
            long c = correlations.incrementAndGet();
            CompletableFuture<FellowshipMessage> f = new CompletableFuture<>();
            pending.put(c, f);
            f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((m, e) -> pending.remove(c));
            if (muted.contains(to.hex() + "/" + topic)) {
                return f;
            }
            emit(to, new FellowshipEvent(FellowshipEvent.Type.MESSAGE, g.spec.id(), Optional.of(self),
                    Optional.of(new FellowshipMessage(g.spec.id(), self, topic, payload, c)), g.roster()));
            return f;
        }

        @Override
        public void reply(FellowshipMessage request, byte[] payload) throws FellowshipException {
            if (IN_LISTENER.get() && (request.topic().equals(Wire.LOGS) || request.topic().equals(Wire.FETCH))) {
                listenerViolations.add("answered " + request.topic() + " (a file read) on the fellowship's thread");
            }
            CompletableFuture<FellowshipMessage> f = pending.remove(request.correlation());
            if (f == null) {
                throw new FellowshipException("nobody waits for this reply");
            }
            Node from = nodes.get(self);
            if (from.alive) {
                f.complete(new FellowshipMessage(g.spec.id(), self, request.topic(), payload, request.correlation()));
            }
        }

        @Override
        public AutoCloseable subscribe(FellowshipListener listener) {
            throw new UnsupportedOperationException("the engine uses the whiteboard");
        }

        @Override
        public void leave() {
            boolean wasCoordinator;
            synchronized (g) {
                wasCoordinator = self.equals(g.roster().coordinator());
                if (!g.members.remove(self)) {
                    return;
                }
                g.version++;
                if (wasCoordinator) {
                    g.epoch++;
                }
                // as a real leaver, it refuses to be invited back into this fellowship for a while
                g.refusing.add(self);
                if (g.members.isEmpty()) {
                    // the last member left: the fellowship is gone, and may be founded again
                    groups.remove(g.spec.id(), g);
                }
            }
            emitAll(g, FellowshipEvent.Type.MEMBER_LEFT, self);
            emit(self, new FellowshipEvent(FellowshipEvent.Type.MEMBER_LEFT, g.spec.id(), Optional.of(self),
                    Optional.empty(), g.roster()));
            if (wasCoordinator) {
                emitAll(g, FellowshipEvent.Type.COORDINATOR_CHANGED, null);
            }
            recruit(g);
        }

        @Override
        public void resize(int targetSize) throws FellowshipException {
            if (!isCoordinator()) {
                throw new FellowshipException("only the coordinator may resize");
            }
            FellowshipSpec s = g.spec;
            g.spec = new FellowshipSpec(s.id(), targetSize, s.requirement(), s.reservation(), s.inviteTimeout());
            while (true) {
                NodeId gone;
                synchronized (g) {
                    if (g.members.size() <= targetSize) {
                        break;
                    }
                    gone = g.members.remove(g.members.size() - 1);
                    g.version++;
                }
                Roster r = g.roster();
                for (FellowshipMember m : r.members()) {
                    emit(m.node(), new FellowshipEvent(FellowshipEvent.Type.MEMBER_LEFT, g.spec.id(), Optional.of(gone),
                            Optional.empty(), r));
                }
                emit(gone, new FellowshipEvent(FellowshipEvent.Type.MEMBER_LEFT, g.spec.id(), Optional.of(gone),
                        Optional.empty(), r));
            }
            recruit(g);
        }

        @Override
        public void dissolve() throws FellowshipException {
            if (!isCoordinator()) {
                throw new FellowshipException("only the coordinator may dissolve");
            }
            Roster r = g.roster();
            groups.remove(g.spec.id());
            for (FellowshipMember m : r.members()) {
                emit(m.node(), new FellowshipEvent(FellowshipEvent.Type.DISSOLVED, g.spec.id(), Optional.empty(),
                        Optional.empty(), r));
            }
        }
    }

    private final class FakeRing implements Ring {
        final NodeId self;

        FakeRing(NodeId self) {
            this.self = self;
        }

        private Member member(Node n) {
            Resources r = new Resources(2000, 1L << 30, 0);
            return new Member(n.id, n.name, new Endpoint("127.0.0.1", 7946), 1, n.alive ? MemberState.ALIVE
                    : MemberState.DEAD, new ResourceAdvert(r, r, Set.of("runc"), Set.of("command", "bundle"),
                            labels.getOrDefault(n.id, () -> Map.of()).get()));
        }

        @Override
        public org.ringfellow.api.ring.RingView view() {
            return org.ringfellow.api.ring.RingView.of(0, self(), members());
        }

        @Override
        public Member self() {
            return member(nodes.get(self));
        }

        @Override
        public List<Member> members() {
            return nodes.values().stream().map(this::member).toList();
        }

        @Override
        public Optional<Member> member(NodeId id) {
            return Optional.ofNullable(nodes.get(id)).map(this::member);
        }

        @Override
        public void join(List<Endpoint> seeds) {
        }

        @Override
        public void leave() {
        }

        @Override
        public List<Member> find(ResourceQuery query) {
            return nodes.values().stream().filter(n -> n.alive).map(this::member).toList();
        }

        @Override
        public List<Member> successors(byte[] key, int k) {
            return List.of();
        }

        @Override
        public RingStats stats() {
            throw new UnsupportedOperationException();
        }
    }

    void close() {
        nodes.values().forEach(n -> n.inbox.shutdownNow());
    }

    static boolean isTimeout(Throwable e) {
        return e instanceof TimeoutException || e.getCause() instanceof TimeoutException;
    }
}
