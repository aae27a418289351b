package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.api.runtime.BridgeTransport;
import org.ringfellow.api.runtime.RuntimeLaunch;
import org.ringfellow.api.runtime.RuntimePlan;
import org.ringfellow.app.bridge.BridgeClient;
import org.ringfellow.app.bridge.BridgeEvent;
import org.ringfellow.app.bridge.BridgeLimits;
import org.ringfellow.container.tck.InMemoryNode;

/**
 * The part's state machine without runc: a container manager whose containers end when the
 * test says, a runtime that only plans, the app's side of the bridge played by the test
 * ({@link BridgeClient}), and the restart backoff run by the test instead of a timer.
 */
class AppInstanceTest {

    @TempDir
    Path dir;
    final ExecutorService workers = Executors.newCachedThreadPool();
    final FakeContainers containers = new FakeContainers();
    final FakeHost host = new FakeHost();
    final List<BridgeClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (BridgeClient c : clients) {
            c.close();
        }
        workers.shutdownNow();
    }

    /** Containers that run until the test ends them (or the part stops them). */
    final class FakeContainers {
        final Map<String, CompletableFuture<ExitStatus>> exits = new ConcurrentHashMap<>();
        final List<String> destroyed = new CopyOnWriteArrayList<>();
        final AtomicInteger made = new AtomicInteger();
        volatile Runnable onRun = () -> { };

        ContainerManager manager() {
            return (ContainerManager) Proxy.newProxyInstance(ContainerManager.class.getClassLoader(),
                    new Class<?>[] {ContainerManager.class}, (p, m, a) -> switch (m.getName()) {
                        case "run" -> {
                            String id = "c" + made.incrementAndGet();
                            exits.put(id, new CompletableFuture<>());
                            onRun.run();
                            yield info(id);
                        }
                        case "waitFor" -> {
                            Duration d = (Duration) a[1];
                            try {
                                yield Optional.of(exits.get((String) a[0]).get(Math.min(d.toMillis(), 60_000),
                                        TimeUnit.MILLISECONDS));
                            } catch (TimeoutException e) {
                                yield Optional.empty();
                            }
                        }
                        case "get" -> destroyed.contains((String) a[0]) || !exits.containsKey((String) a[0])
                                ? Optional.empty() : Optional.of(info((String) a[0]));
                        case "stop" -> {
                            exits.get((String) a[0]).complete(new ExitStatus(143, 15, false, Instant.now()));
                            yield null;
                        }
                        case "destroy" -> {
                            destroyed.add((String) a[0]);
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        ContainerInfo info(String id) {
            return new ContainerInfo(id, "fake", ContainerState.RUNNING, "base", "base", ResourceLimits.SMALL,
                    Instant.now(), Optional.empty());
        }

        void exit(String id, int code, int signal) {
            exits.get(id).complete(new ExitStatus(code, signal, false, Instant.now()));
        }
    }

    class FakeHost implements AppHost {
        final NodeId self = new NodeId(InMemoryNode.randomId());
        volatile Duration settle = Duration.ZERO;
        volatile RestartPolicy policy = RestartPolicy.DEFAULT;
        final AtomicInteger restartsCounted = new AtomicInteger();
        final List<Runnable> later = new CopyOnWriteArrayList<>();
        final List<MemberStatus> published = new CopyOnWriteArrayList<>();
        final List<String> gaveUp = new CopyOnWriteArrayList<>();
        volatile boolean keepsSeat;
        final ContainerManager manager = containers.manager();

        @Override
        public NodeId self() {
            return self;
        }

        @Override
        public String nodeName() {
            return "n1";
        }

        @Override
        public Path appsDir() {
            return dir;
        }

        @Override
        public Duration settle() {
            return settle;
        }

        @Override
        public RestartPolicy restartPolicy() {
            return policy;
        }

        @Override
        public void restarted() {
            restartsCounted.incrementAndGet();
        }

        @Override
        public AppRecord fetchRecord() {
            throw new AssertionError("the record is given");
        }

        @Override
        public boolean hasArtifact(String digest) {
            return true;
        }

        @Override
        public void fetchArtifact(AppRecord record) throws IOException {
            throw new AssertionError("the artifact is here");
        }

        @Override
        public Path artifact(String digest) {
            return dir.resolve("artifact.jar");
        }

        @Override
        public void saveRecord(AppRecord record) {
        }

        @Override
        public boolean hasRecord() {
            return true;
        }

        @Override
        public Optional<ApplicationRuntime> runtime(String type) {
            return Optional.of(new ApplicationRuntime() {
                @Override
                public String type() {
                    return "command";
                }

                @Override
                public RuntimePlan prepare(RuntimeLaunch launch) {
                    return new RuntimePlan(ContainerSpec.builder(launch.containerName(), "sha256:" + "0".repeat(64), List.of("app.sh"))
                            .build(), BridgeTransport.UNIX_SOCKET);
                }
            });
        }

        @Override
        public ContainerManager containers() {
            return manager;
        }

        @Override
        public void execute(Runnable task) {
            workers.execute(task);
        }

        @Override
        public boolean later(Duration delay, Runnable task) {
            later.add(task);
            return true;
        }

        @Override
        public List<MemberRef> members() {
            return List.of(ref(self));
        }

        @Override
        public MemberRef ref(NodeId id) {
            return new MemberRef(id.hex(), "n1", true);
        }

        @Override
        public Optional<NodeId> coordinator() {
            return Optional.of(self);
        }

        @Override
        public boolean giveUp(String reason) {
            gaveUp.add(reason);
            return !keepsSeat;
        }

        @Override
        public void unobtainable(String reason) {
            gaveUp.add("unobtainable: " + reason);
        }

        @Override
        public void removeLater(String containerId) {
            throw new AssertionError("the fake's containers are always removed");
        }

        @Override
        public void publishStatus(MemberStatus status) {
            published.add(status);
        }

        @Override
        public void countMalformed(FellowshipMessage message, Exception e) {
        }

        @Override
        public void send(NodeId to, String topic, byte[] payload) {
        }

        @Override
        public void broadcast(String topic, byte[] payload) {
        }

        @Override
        public CompletableFuture<FellowshipMessage> request(NodeId to, String topic, byte[] payload,
                Duration timeout) {
            return new CompletableFuture<>();
        }
    }

    AppInstance instance() {
        return new AppInstance(host, "calc", EngineThreadsTest.record("calc", host.self.hex()));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "never: " + what);
            Thread.sleep(10);
        }
    }

    /** Connects as the app and reads the first event, which is always {@code started}. */
    BridgeClient connect() throws Exception {
        BridgeClient c = BridgeClient.connect(dir.resolve("calc/b").resolve(BridgeTransport.SOCKET_FILE),
                BridgeLimits.DEFAULTS);
        clients.add(c);
        assertInstanceOf(BridgeEvent.Started.class, c.next().orElseThrow());
        return c;
    }

    MemberStatus own(AppInstance i) {
        return i.ownStatus();
    }

    @Test
    void givenAPartThatRan_whenItsContainerEnds_thenItRestartsAfterTheBackoffWithEventsHeldAndSaysSo()
            throws Exception {
        AppInstance i = instance();
        assertInstanceOf(PartState.Preparing.class, i.state());
        assertEquals(AppState.DEPLOYING, own(i).state());

        i.start();
        PartState.Starting starting = assertInstanceOf(PartState.Starting.class, i.state());
        assertEquals("c1", starting.containerId());
        assertTrue(own(i).message().contains("waiting for the app to connect"), own(i).message());

        connect();
        await("running", () -> i.state() instanceof PartState.Running);
        assertEquals(AppState.RUNNING, own(i).state());
        assertEquals("running in container c1 on fake", own(i).message());

        containers.exit("c1", 137, 9);
        await("a restart scheduled", () -> !host.later.isEmpty());
        assertInstanceOf(PartState.Restarting.class, i.state());
        assertEquals(List.of("c1"), containers.destroyed, "the ended container is removed");
        assertEquals(1, host.later.size(), "one restart is scheduled");
        assertEquals(AppState.DEPLOYING, own(i).state());
        assertTrue(own(i).message().startsWith("restarting in 1000 ms (failure 1 within 600 s")
                && own(i).message().endsWith("after: the app exited with code 137 (signal 9)"), own(i).message());
        assertNull(own(i).containerId());
        // what comes meanwhile waits for the new container
        assertTrue(i.deliver(new BridgeEvent.Message(host.ref(host.self), "t", new byte[] {1})));

        assertEquals(0, host.restartsCounted.get(), "a scheduled restart is not counted before it runs");
        host.later.get(0).run();
        assertEquals(1, i.restarts());
        assertEquals(1, host.restartsCounted.get(), "the restart is counted for the metrics");
        assertEquals("c2", assertInstanceOf(PartState.Starting.class, i.state()).containerId());
        BridgeClient app = connect();
        BridgeEvent held = app.next().orElseThrow();
        assertEquals("t", assertInstanceOf(BridgeEvent.Message.class, held).topic());
        await("running again", () -> i.state() instanceof PartState.Running);
        assertEquals("running in container c2 on fake; restarted 1 time(s), last after: the app exited with code 137 "
                + "(signal 9)", own(i).message(), () -> i.state() + " " + host.published);

        i.stop("undeployed");
        PartState.Stopped stopped = assertInstanceOf(PartState.Stopped.class, i.state());
        assertEquals("undeployed", stopped.why());
        assertEquals(AppState.UNDEPLOYED, own(i).state());
        assertTrue(containers.destroyed.contains("c2"));
        assertFalse(i.deliver(new BridgeEvent.Message(host.ref(host.self), "t", new byte[0])), "no event after stop");
        // a late end of its container changes nothing any more
        i.failed("the app exited with code 143", "c2");
        assertInstanceOf(PartState.Stopped.class, i.state());
        assertEquals(1, host.later.size());
    }

    @Test
    void givenARunningApp_whenAnHttpRequestIsBeyondTheBridgesBounds_thenItIsRefusedAtOnceAndTheAppNeverSeesIt()
            throws Exception {
        AppInstance i = instance();
        i.start();
        BridgeClient app = connect();
        await("running", () -> i.state() instanceof PartState.Running);
        int max = BridgeLimits.DEFAULTS.maxPayloadBytes();

        HttpResponse big = i.http(new HttpRequest("POST", "/api", "", Map.of(), new byte[max + 1]))
                .get(5, TimeUnit.SECONDS);
        assertEquals(413, big.status(), new String(big.body()));
        assertEquals("app calc: the request body has " + (max + 1) + " bytes, more than the " + max
                + " an app is handed\n", new String(big.body()));
        HttpResponse header = i.http(new HttpRequest("GET", "/", "", Map.of("x-long", List.of("v".repeat(9000))),
                new byte[0])).get(5, TimeUnit.SECONDS);
        assertEquals(400, header.status(), new String(header.body()));
        assertTrue(new String(header.body()).startsWith("app calc: the request cannot be handed to the app: "),
                new String(header.body()));

        // a body at the bound is handed to the app, and it is the first event it sees after started
        i.http(new HttpRequest("POST", "/api", "", Map.of(), new byte[max]));
        BridgeEvent.Http h = assertInstanceOf(BridgeEvent.Http.class, app.next().orElseThrow());
        assertEquals(max, h.request().body().length);
        i.stop("done");
    }

    /** The member protocol over one part, its replies recorded; this node is not the coordinator. */
    final class Protocol {
        final List<byte[]> replies = new CopyOnWriteArrayList<>();
        final MemberProtocol protocol = new MemberProtocol(new MemberProtocol.Engine() {
            @Override
            public void execute(Runnable task) {
                task.run();
            }

            @Override
            public void reply(org.ringfellow.api.fellowship.Fellowship f, FellowshipMessage request, byte[] payload) {
                replies.add(payload);
            }

            @Override
            public void countMalformed(FellowshipMessage m, Exception e) {
                throw new AssertionError("dropped: " + e);
            }

            @Override
            public void statusChanged() {
            }

            @Override
            public byte[] chunk(AppRecord record, Wire.Fetch q) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<AppRecord> loadRecord(String app) {
                return Optional.empty();
            }

            @Override
            public void saveRecord(AppRecord r) {
            }

            @Override
            public void scaleAsCoordinator(String app, org.ringfellow.api.fellowship.Fellowship f, int size) {
            }

            @Override
            public void undeployAsCoordinator(String app, org.ringfellow.api.fellowship.Fellowship f) {
            }

            @Override
            public void removeLocally(String app, String why) {
            }
        });
        final org.ringfellow.api.fellowship.Fellowship notCoordinator = (org.ringfellow.api.fellowship.Fellowship)
                Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {org.ringfellow.api.fellowship.Fellowship.class}, (p, m, a) -> {
                            if (m.getName().equals("isCoordinator")) {
                                return false;
                            }
                            throw new UnsupportedOperationException(m.getName());
                        });

        /** An app.http from another member to this part; its reply once given. */
        Wire.HttpAnswer http(AppInstance part, String path) throws Exception {
            int before = replies.size();
            NodeId other = new NodeId(InMemoryNode.randomId());
            protocol.dispatch(new MemberProtocol.Inbound("calc", notCoordinator, new FellowshipMessage(
                    new org.ringfellow.api.fellowship.FellowshipId("app.calc"), other, Wire.HTTP,
                    Wire.encode(Wire.Http.of(new HttpRequest("GET", path, "", Map.of(), new byte[0]))), 1), part,
                    null));
            await("a reply", () -> replies.size() > before);
            return Wire.decode(replies.get(before), Wire.HttpAnswer.class);
        }
    }

    static AppRecord statelessRecord(String founder) {
        return new AppRecord("calc", "sha256:" + "ab".repeat(32), 10, Map.of("Ringfellow-App", "calc",
                "Ringfellow-App-Entry", "app.sh", "Ringfellow-App-Size", "2", HttpMode.HEADER, "stateless"),
                founder, 2, null);
    }

    @Test
    void givenAStatelessApp_whenAnotherMemberSendsHttp_thenThisNonCoordinatorServesOnlyWhileItsPartRuns()
            throws Exception {
        Protocol p = new Protocol();
        AppInstance i = new AppInstance(host, "calc", statelessRecord(host.self.hex()));
        Wire.HttpAnswer early = p.http(i, "/");
        assertEquals(503, early.status());
        assertEquals("1", early.headers().get(Wire.NOT_SERVING), "the sender may ask another member");

        i.start();
        BridgeClient app = connect();
        await("running", () -> i.serving());
        CompletableFuture<Wire.HttpAnswer> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return p.http(i, "/page");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, workers);
        BridgeEvent.Http h = assertInstanceOf(BridgeEvent.Http.class, app.next().orElseThrow());
        assertEquals("/page", h.request().path());
        // an app cannot say it does not serve, nor who served
        app.send(new org.ringfellow.app.bridge.BridgeCommand.HttpReply(h.id(), new HttpResponse(200,
                Map.of(Wire.NOT_SERVING, "1", AppInstance.SERVED_BY, "someone", "Content-Type", "text/plain"),
                "hi".getBytes())));
        Wire.HttpAnswer served = answer.get(10, TimeUnit.SECONDS);
        assertEquals(200, served.status());
        assertEquals("hi", new String(served.body()));
        assertEquals("n1 (" + host.self.shortId() + ")", served.headers().get(AppInstance.SERVED_BY),
                "the node whose app answered");
        assertFalse(served.headers().containsKey(Wire.NOT_SERVING));
        i.stop("done");
    }

    @Test
    void givenADefaultApp_whenAnotherMemberSendsHttpToANonCoordinator_thenItIsRefusedAsBeforeEvenWhileRunning()
            throws Exception {
        Protocol p = new Protocol();
        AppInstance i = instance();
        i.start();
        connect();
        await("running", () -> i.serving());
        Wire.HttpAnswer refused = p.http(i, "/");
        assertEquals(503, refused.status());
        assertEquals("this member is not the coordinator\n", new String(refused.body()));
        assertFalse(refused.headers().containsKey(Wire.NOT_SERVING), "no other member is asked for a default app");
        i.stop("done");
    }

    @Test
    void givenAPartThatNeverRanForTheSettleTime_whenItsContainerEnds_thenItFailsAndIsNotRestarted() throws Exception {
        host.settle = Duration.ofDays(1);
        AppInstance i = instance();
        i.start();
        connect();
        await("running", () -> i.state() instanceof PartState.Running);
        containers.exit("c1", 1, 0);
        await("failed and removed", () -> i.state() instanceof PartState.Failed && !containers.destroyed.isEmpty());
        assertEquals(new PartState.Failed("the app exited with code 1"), i.state());
        assertEquals(AppState.FAILED, own(i).state());
        assertEquals(List.of(), host.later, "not restarted");
        assertEquals(List.of("c1"), containers.destroyed);
        assertEquals(0, i.restarts());
    }

    @Test
    void givenMoreFailuresThanThePolicyAllows_whenTheOnlyMemberKeepsItsSeat_thenThePartStaysFailedWithTheCount()
            throws Exception {
        host.policy = new RestartPolicy(Duration.ofMillis(100), Duration.ofMillis(100), 0, Duration.ofSeconds(600));
        host.keepsSeat = true;
        AppInstance i = instance();
        i.start();
        connect();
        await("running", () -> i.state() instanceof PartState.Running);
        containers.exit("c1", 137, 9);
        await("failed for good", () -> i.state() instanceof PartState.Failed f
                && f.reason().endsWith("keeps its seat (app:undeploy it)"));
        assertEquals(List.of("failed 1 time(s) within 600 s (last: the app exited with code 137 (signal 9))"),
                host.gaveUp);
        assertTrue(own(i).message().endsWith("keeps its seat (app:undeploy it)"), own(i).message());
        assertTrue(host.published.stream().anyMatch(s -> s.message().endsWith("this node gives its seat up")),
                "it first said it gives its seat up");
        assertEquals(List.of(), host.later);
    }

    @Test
    void givenAStopWhileTheContainerStarts_whenTheContainerComesUp_thenItIsRemovedAndThePartStaysStopped()
            throws Exception {
        AppInstance i = instance();
        containers.onRun = () -> i.stop("undeployed while it started");
        i.start();
        assertEquals(new PartState.Stopped("undeployed while it started"), i.state());
        assertEquals(List.of("c1"), containers.destroyed, "the container made after the stop is removed");
        i.start();
        assertEquals(1, containers.made.get(), "a stopped part never starts again");
    }

    @Test
    void givenAFailureToStart_whenThePartNeverRan_thenItIsFailedWithTheStage() {
        AppInstance i = new AppInstance(new FakeHost() {
            @Override
            public Optional<ApplicationRuntime> runtime(String type) {
                return Optional.empty();
            }
        }, "calc", EngineThreadsTest.record("calc", host.self.hex()));
        i.start();
        PartState.Failed f = assertInstanceOf(PartState.Failed.class, i.state());
        assertTrue(f.reason().startsWith("finding the runtime failed: runtime 'bundle' is not installed"),
                f.reason());
    }

    @Test
    void givenAnArtifactNoMemberCanGive_whenThePartStarts_thenItFailsAndGivesTheSeatUpButNotForOtherFailures() {
        List<String> unobtained = new CopyOnWriteArrayList<>();
        class Unobtainable extends FakeHost {
            @Override
            public boolean hasArtifact(String digest) {
                return false;
            }

            @Override
            public void fetchArtifact(AppRecord record) throws IOException {
                throw new IOException("could not fetch the artifact: b1: not this app's artifact");
            }

            @Override
            public void unobtainable(String reason) {
                unobtained.add(reason);
            }
        }
        AppInstance i = new AppInstance(new Unobtainable(), "calc", EngineThreadsTest.record("calc", host.self.hex()));
        i.start();
        PartState.Failed f = assertInstanceOf(PartState.Failed.class, i.state());
        assertTrue(f.reason().startsWith("fetching the artifact failed: could not fetch"), f.reason());
        assertEquals(List.of(f.reason()), unobtained);

        // a part that cannot start for another reason (here: no runtime) keeps its seat, failed
        AppInstance other = new AppInstance(new Unobtainable() {
            @Override
            public boolean hasArtifact(String digest) {
                return true;
            }

            @Override
            public Optional<ApplicationRuntime> runtime(String type) {
                return Optional.empty();
            }
        }, "calc", EngineThreadsTest.record("calc", host.self.hex()));
        other.start();
        assertInstanceOf(PartState.Failed.class, other.state());
        assertEquals(1, unobtained.size(), unobtained.toString());
    }

    @Test
    void givenEveryState_whenATransitionIsAsked_thenOnlyTheAllowedOnesAreTaken() {
        PartState preparing = new PartState.Preparing("x", null, false);
        PartState starting = new PartState.Starting(null, "c", "d");
        PartState running = new PartState.Running(null, "c", "d", 0, true);
        PartState restarting = new PartState.Restarting("r");
        PartState failed = new PartState.Failed("f");
        PartState stopped = new PartState.Stopped("s");
        List<PartState> all = List.of(preparing, starting, running, restarting, failed, stopped);
        for (PartState s : all) {
            assertFalse(stopped.mayBecome(s), "nothing follows Stopped: " + s);
            assertTrue(s == stopped || s.mayBecome(stopped), "every part may stop: " + s);
        }
        assertTrue(preparing.mayBecome(starting) && preparing.mayBecome(running) && preparing.mayBecome(failed));
        assertTrue(starting.mayBecome(running) && starting.mayBecome(restarting));
        assertFalse(starting.mayBecome(preparing));
        assertTrue(running.mayBecome(restarting) && running.mayBecome(failed));
        assertFalse(running.mayBecome(starting) || running.mayBecome(preparing));
        assertTrue(restarting.mayBecome(preparing) && restarting.mayBecome(failed));
        assertFalse(restarting.mayBecome(running) || restarting.mayBecome(starting));
        assertTrue(failed.mayBecome(failed));
        assertFalse(failed.mayBecome(restarting) || failed.mayBecome(preparing) || failed.mayBecome(running));
    }

    @Test
    void givenAStaleState_whenUpdated_thenTheTransitionIsRefused() {
        AppInstance i = instance();
        PartState seen = i.state();
        assertTrue(i.updateState(seen, new PartState.Failed("first")));
        assertFalse(i.updateState(seen, new PartState.Failed("second, from a state the part left")));
        assertEquals(new PartState.Failed("first"), i.state());
    }
}
