package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingStats;
import org.ringfellow.api.ring.RingView;
import org.ringfellow.container.tck.InMemoryNode;

/**
 * The engine's threads, without containers: what the fellowship listener does on the
 * fellowship's thread, and how a request for an app elsewhere reads the Ring.
 */
class EngineThreadsTest {

    static final AppEngine.Timing QUICK = new AppEngine.Timing(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(100));

    @TempDir
    Path dir;
    final FakeFellowships net = new FakeFellowships();
    final List<AppEngine> engines = new CopyOnWriteArrayList<>();
    /** Store writes made on a fellowship delivery thread. */
    final List<String> storeWritesOnListener = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(AppEngine::close);
        net.close();
    }

    static ContainerManager noContainers() {
        return (ContainerManager) Proxy.newProxyInstance(ContainerManager.class.getClassLoader(),
                new Class<?>[] {ContainerManager.class}, (p, m, a) -> {
                    if (m.getName().equals("list")) {
                        return List.of();
                    }
                    if (m.getName().equals("get")) {
                        return Optional.empty();
                    }
                    throw new UnsupportedOperationException("no containers in this test");
                });
    }

    /** While set, a write of this key in namespace "app" waits until the gate opens. */
    volatile String blockedKey;
    final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch blocking = new java.util.concurrent.CountDownLatch(1);

    /** The node store, recording writes made on a fellowship delivery thread. */
    NodeStore watched(NodeStore store) {
        return ns -> {
            NodeStore.Namespace n = store.namespace(ns);
            return new NodeStore.Namespace() {
                @Override
                public Optional<String> get(String key) {
                    return n.get(key);
                }

                @Override
                public void put(String key, String value) {
                    if (FakeFellowships.IN_LISTENER.get()) {
                        storeWritesOnListener.add(ns + "/" + key);
                    }
                    if (ns.equals(AppEngine.STORE_NAMESPACE) && key.equals(blockedKey)) {
                        // a store that hangs (a slow disk's fsync)
                        blocking.countDown();
                        try {
                            gate.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    n.put(key, value);
                }

                @Override
                public boolean remove(String key) {
                    if (FakeFellowships.IN_LISTENER.get()) {
                        storeWritesOnListener.add(ns + "/" + key);
                    }
                    return n.remove(key);
                }

                @Override
                public Map<String, String> entries() {
                    return n.entries();
                }
            };
        };
    }

    record Made(NodeId id, InMemoryNode.Store store, AppEngine engine) {
    }

    Made node(String name, Ring ring) throws Exception {
        NodeId id = new NodeId(InMemoryNode.randomId());
        InMemoryNode node = new InMemoryNode(dir.resolve(name), id.hex());
        InMemoryNode.Store store = new InMemoryNode.Store();
        net.add(id, name);
        AppEngine engine = new AppEngine(node, watched(store), net.serviceOf(id), noContainers(), t -> Optional.empty(),
                ring != null ? ring : net.ringOf(id), QUICK);
        net.listen(id, engine::onEvent);
        engine.start();
        engines.add(engine);
        return new Made(id, store, engine);
    }

    /** The record for an artifact stored in the node's artifact store. */
    static AppRecord withArtifact(Made m, AppRecord r) throws java.io.IOException {
        byte[] bytes = ("the artifact of " + r.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String digest = m.engine.artifacts().put(new java.io.ByteArrayInputStream(bytes));
        return new AppRecord(r.name(), digest, bytes.length, r.headers(), r.founder(), r.size(), null);
    }

    static AppRecord record(String name, String founder) {
        Map<String, String> headers = Map.of("Ringfellow-App", name, "Ringfellow-App-Entry", "app.sh",
                "Ringfellow-App-Size", "2", "Bundle-Version", "1.0.0");
        return new AppRecord(name, "sha256:" + "ab".repeat(32), 10, headers, founder, 2, null);
    }

    @Test
    void givenTwoMembers_whenTheCoordinatorScalesAndReadsALog_thenTheOtherMemberWritesItsStoreAndReadsItsLogOffTheFellowshipThread()
            throws Exception {
        Made a = node("a", null);
        Made b = node("b", null);
        // both hold the record, so that a size from the coordinator is saved on b
        a.engine.saveRecord(record("calc", a.id.hex()));
        b.engine.saveRecord(record("calc", a.id.hex()));
        Fellowship f = net.serviceOf(a.id).create(new FellowshipSpec(AppRecord.fellowshipOf("calc"), 2,
                ResourceQuery.ANY, Resources.NONE, Duration.ofSeconds(1))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        NodeId other = f.roster().coordinator().equals(a.id) ? b.id : a.id;
        Fellowship coordinator = net.serviceOf(f.roster().coordinator()).get(f.id()).orElseThrow();

        coordinator.broadcast(Wire.SIZE, Wire.encode(new Wire.Scale(3)));
        byte[] log = coordinator.request(other, Wire.LOGS, Wire.encode(new Wire.LogRead(0)), Duration.ofSeconds(5))
                .toCompletableFuture().get(10, TimeUnit.SECONDS).payload();

        Wire.LogAnswer answer = Wire.decode(log, Wire.LogAnswer.class);
        assertTrue(answer.nextOffset() >= 0, "the member answered with its log");
        Made otherNode = other.equals(a.id) ? a : b;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (otherNode.engine.loadRecord("calc").map(AppRecord::size).orElse(0) != 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(3, otherNode.engine.loadRecord("calc").orElseThrow().size(), "the new size was saved");
        assertEquals(List.of(), storeWritesOnListener, "store writes made on the fellowship's thread");
        assertEquals(List.of(), net.listenerViolations);
    }

    @Test
    void givenAStoreWriteThatHangs_whenMoreEventsArrive_thenTheListenerStillReturnsAndAnotherAppIsAnswered()
            throws Exception {
        Made a = node("a", null);
        Made b = node("b", null);
        for (String app : List.of("calc", "wiki")) {
            // each holds the artifact, so that its part fails for want of a runtime and keeps its seat
            a.engine.saveRecord(withArtifact(a, record(app, a.id.hex())));
            b.engine.saveRecord(withArtifact(b, record(app, a.id.hex())));
        }
        Fellowship calc = net.serviceOf(a.id).create(new FellowshipSpec(AppRecord.fellowshipOf("calc"), 2,
                ResourceQuery.ANY, Resources.NONE, Duration.ofSeconds(1))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        Fellowship wiki = net.serviceOf(a.id).create(new FellowshipSpec(AppRecord.fellowshipOf("wiki"), 2,
                ResourceQuery.ANY, Resources.NONE, Duration.ofSeconds(1))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        NodeId coordinatorId = calc.roster().coordinator();
        NodeId other = coordinatorId.equals(a.id) ? b.id : a.id;
        Made otherNode = other.equals(a.id) ? a : b;
        Fellowship calcAtCoordinator = net.serviceOf(coordinatorId).get(calc.id()).orElseThrow();
        Fellowship wikiAtCoordinator = net.serviceOf(coordinatorId).get(wiki.id()).orElseThrow();
        // let every part settle first: without a runtime each start fails, and writes nothing more
        for (Made m : List.of(a, b)) {
            for (String app : List.of("calc", "wiki")) {
                awaitOwnState(m, app, org.ringfellow.api.app.AppState.FAILED);
            }
        }

        blockedKey = "calc";
        try {
            calcAtCoordinator.broadcast(Wire.SIZE, Wire.encode(new Wire.Scale(3)));
            assertTrue(blocking.await(10, TimeUnit.SECONDS), "the size was never written");
            // the write of calc's record hangs; the listener must have returned and take the next events
            long before = net.delivered.get();
            byte[] log = wikiAtCoordinator.request(other, Wire.LOGS, Wire.encode(new Wire.LogRead(0)),
                    Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS).payload();
            assertTrue(Wire.decode(log, Wire.LogAnswer.class).nextOffset() >= 0, "wiki's log was answered");
            assertTrue(net.delivered.get() > before, "events delivered while the store hangs");
        } finally {
            gate.countDown();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (otherNode.engine.loadRecord("calc").map(AppRecord::size).orElse(0) != 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(3, otherNode.engine.loadRecord("calc").orElseThrow().size(), "the size was saved once the store"
                + " came back");
        assertEquals(List.of(), storeWritesOnListener, "store writes made on the fellowship's thread");
    }

    static void awaitOwnState(Made m, String app, org.ringfellow.api.app.AppState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            var own = m.engine.status(app).flatMap(s -> s.members().stream()
                    .filter(x -> x.node().equals(m.id.hex())).findFirst());
            if (own.isPresent() && own.get().state() == state) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, app + " on " + m.id.shortId() + " never became " + state + ": "
                    + own);
            Thread.sleep(20);
        }
    }

    /** A Ring that hands out one snapshot and fails a test that copies its members any other way. */
    static final class SnapshotRing implements Ring {
        volatile RingView view;

        @Override
        public RingView view() {
            return view;
        }

        @Override
        public List<Member> members() {
            throw new AssertionError("the Ring's members were copied; read view() instead");
        }

        @Override
        public Optional<Member> member(NodeId id) {
            throw new AssertionError("the Ring was asked for a member; read view() instead");
        }

        @Override
        public Member self() {
            return view.self().orElseThrow();
        }

        @Override
        public void join(List<Endpoint> seeds) {
        }

        @Override
        public void leave() {
        }

        @Override
        public List<Member> find(ResourceQuery query) {
            return List.of();
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

    static Member member(NodeId id, String name, MemberState state, Map<String, String> labels) {
        Resources r = new Resources(2000, 1L << 30, 0);
        return new Member(id, name, new Endpoint("127.0.0.1", 7946), 1, state,
                new ResourceAdvert(r, r, Set.of("runc"), Set.of("command"), labels));
    }

    static HttpRequest get() {
        return new HttpRequest("GET", "/", "", Map.of(), new byte[0]);
    }

    @Test
    void givenAnAppOnlyAnotherMemberRuns_whenRequestsArrive_thenTheRouterReadsTheSnapshotAndNeverCopiesTheRingsMembers()
            throws Exception {
        SnapshotRing ring = new SnapshotRing();
        Made a = node("a", ring);
        Member self = member(a.id, "a", MemberState.ALIVE, Map.of());
        NodeId runner = new NodeId(InMemoryNode.randomId());
        // a runner without an advertised ingress: the app is known, but there is nowhere to pass the request
        ring.view = RingView.of(1, self, List.of(self, member(runner, "b", MemberState.ALIVE,
                Map.of(Labels.APPS, "calc"))));
        for (int i = 0; i < 5; i++) {
            HttpResponse r = a.engine.forward("calc", get()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(404, r.status());
        }
    }

    @Test
    void givenTheRingIsDown_whenARequestForAnAppElsewhereArrives_thenItIsA404NotAnError() throws Exception {
        SnapshotRing ring = new SnapshotRing();
        ring.view = RingView.EMPTY;
        Made a = node("a", ring);
        HttpResponse r = a.engine.forward("calc", get()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(404, r.status());
        assertTrue(new String(r.body()).contains("no app named 'calc'"));
    }

    @Test
    void givenARequestThatHoppedOnce_whenNoPartRunsHere_thenItIsNotPassedOnAgain() throws Exception {
        SnapshotRing ring = new SnapshotRing();
        Made a = node("a", ring);
        Member self = member(a.id, "a", MemberState.ALIVE, Map.of());
        NodeId runner = new NodeId(InMemoryNode.randomId());
        ring.view = RingView.of(1, self, List.of(self, member(runner, "b", MemberState.ALIVE,
                Map.of(Labels.APPS, "calc", Labels.HTTP, "1"))));
        HttpResponse r = a.engine.forward("calc", new HttpRequest("GET", "/", "",
                Map.of(AppGateway.HOP_HEADER, List.of("1")), new byte[0])).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(404, r.status());
    }

    @Test
    void givenABodyOverWhatTheBridgeHandsAnApp_whenItArrivesForAnAppElsewhere_thenItIsRefusedWith413BeforeItTravels()
            throws Exception {
        SnapshotRing ring = new SnapshotRing();
        Made a = node("a", ring);
        Member self = member(a.id, "a", MemberState.ALIVE, Map.of());
        NodeId runner = new NodeId(InMemoryNode.randomId());
        // a runner whose ingress is nowhere: a request passed to it would come back 502
        ring.view = RingView.of(1, self, List.of(self, member(runner, "b", MemberState.ALIVE,
                Map.of(Labels.APPS, "calc", Labels.HTTP, "1"))));
        int max = org.ringfellow.app.bridge.BridgeLimits.DEFAULTS.maxPayloadBytes();
        HttpResponse r = a.engine.forward("calc", new HttpRequest("POST", "/", "", Map.of(), new byte[300_000]))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(413, r.status(), new String(r.body()));
        assertEquals("app calc: the request body has 300000 bytes, more than the " + max + " an app is handed\n",
                new String(r.body()));
    }

    @Test
    void givenTheMemberARequestWasPassedToDies_whenItsConnectionCloses_thenTheAnswerIs502NamingItAndItIsNotSentAgain()
            throws Exception {
        SnapshotRing ring = new SnapshotRing();
        Made a = node("a", ring);
        Member self = member(a.id, "a", MemberState.ALIVE, Map.of());
        // two members run the app; each "dies" with the request on: it reads the request, then its socket closes
        // unanswered, as the kernel closes the sockets of a process killed with kill -9
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        List<java.net.ServerSocket> ingresses = new java.util.ArrayList<>();
        List<Member> view = new java.util.ArrayList<>(List.of(self));
        try {
            for (String name : List.of("b", "c")) {
                java.net.ServerSocket ss = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
                ingresses.add(ss);
                Thread t = new Thread(() -> {
                    while (!ss.isClosed()) {
                        try (java.net.Socket sock = ss.accept()) {
                            connections.incrementAndGet();
                            sock.getInputStream().read(new byte[8192]);
                        } catch (java.io.IOException e) {
                            return;
                        }
                    }
                }, "dying-ingress-" + name);
                t.setDaemon(true);
                t.start();
                view.add(member(new NodeId(InMemoryNode.randomId()), name, MemberState.ALIVE,
                        Map.of(Labels.APPS, "calc", Labels.HTTP, Integer.toString(ss.getLocalPort()))));
            }
            ring.view = RingView.of(1, self, view);
            HttpResponse r = a.engine.forward("calc", new HttpRequest("POST", "/run", "", Map.of(),
                    "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            String body = new String(r.body());
            assertEquals(502, r.status(), body);
            assertTrue(body.startsWith("app calc: the node running it (127.0.0.1:") && body.contains(") did not answer: "),
                    body);
            assertEquals(1, connections.get(), "the request went to one member, and was not sent again to the other");
        } finally {
            for (java.net.ServerSocket ss : ingresses) {
                ss.close();
            }
        }
    }
}
