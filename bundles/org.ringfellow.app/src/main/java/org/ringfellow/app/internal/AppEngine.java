package org.ringfellow.app.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.AppMetrics;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.app.bridge.BridgeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment engine of one node. Symmetric: every member of an app runs the same code.
 * The node that deploys an app founds its fellowship ({@code app.<name>}); every node that
 * joins it (the founder too) fetches the app's record and artifact from the coordinator,
 * checks the artifact's SHA-256, keeps both, and starts its part of the app through the
 * runtime the app names. Members publish their status to each other, so any member can
 * answer {@code app:status}. The coordinator undeploys and scales; when a member dies the
 * fellowship recruits a replacement, which starts its part on joining.
 */
public final class AppEngine implements AppService, AppGateway, FellowshipListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AppEngine.class);
    static final String STORE_NAMESPACE = "app";
    static final Duration STATUS_PERIOD = Duration.ofSeconds(3);

    /**
     * Timings, shortened by tests.
     *
     * @param settle how long every member must stay running before a deploy counts as done, so
     *     that an app that exits as soon as it starts fails its deploy rather than later
     */
    record Timing(Duration recruit, Duration start, Duration fetch, Duration stop, Duration settle) {
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(60), Duration.ofSeconds(180),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(500));
    }

    private final NodeService node;
    private final AppRecords records;
    private final LeftoverSweeper sweeper;
    private final Advertiser advertiser;
    private final ArtifactTransfer transfer;
    private final FellowshipService fellowships;
    private final ContainerManager containers;
    private final Function<String, Optional<ApplicationRuntime>> runtimes;
    private final Ring ring;
    private final ArtifactStore artifacts;
    private final Path appsDir;
    private final Timing timing;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    /** Fellowship events, one queue per app, off the fellowship's thread. */
    private final Lanes lanes;
    private final Map<String, AppInstance> instances = new ConcurrentHashMap<>();
    private final AtomicLong malformed = new AtomicLong();
    private final Router router;
    private final HttpForwarder forwarder = new HttpForwarder(AppGateway.HOP_HEADER);
    /** The apps' requests, latency and this node's restarts of its parts, for {@link #metrics()}. */
    private final AppCounters counters = new AppCounters();
    private final MemberProtocol protocol = new MemberProtocol(new ProtocolSide());
    private final CoordinatorOps coordinatorOps;
    private final Deployer deployer;
    private final Refounder refounder;
    /** Apps being founded again from this node ({@link Refounder}), so that one founding runs at a time. */
    private final Set<String> refounding = ConcurrentHashMap.newKeySet();
    /** Apps this node founded and holds the record of without being in their fellowship (advertised). */
    private volatile Set<String> claims = Set.of();
    /** Notified whenever a member status changes, so deploy and scale wake up at once. */
    private final Object statusChanged = new Object();
    private volatile boolean closed;
    private volatile RestartPolicy restartPolicy = RestartPolicy.DEFAULT;

    AppEngine(NodeService node, NodeStore store, FellowshipService fellowships, ContainerManager containers,
            Function<String, Optional<ApplicationRuntime>> runtimes, Ring ring, Timing timing) throws IOException {
        this(node, store, fellowships, containers, runtimes, ring, timing, Refounder.QUIET);
    }

    /**
     * @param refoundQuiet how long the founder waits, once every node of an app's last fellowship
     *     is back and none runs it, before it founds the app again ({@link Refounder})
     */
    AppEngine(NodeService node, NodeStore store, FellowshipService fellowships, ContainerManager containers,
            Function<String, Optional<ApplicationRuntime>> runtimes, Ring ring, Timing timing, Duration refoundQuiet)
            throws IOException {
        this.node = node;
        this.fellowships = fellowships;
        this.containers = containers;
        this.runtimes = runtimes;
        this.ring = ring;
        this.timing = timing;
        this.appsDir = Files.createDirectories(node.dataDirectory().resolve("apps"));
        this.artifacts = new ArtifactStore(appsDir.resolve("artifacts"));
        this.records = new AppRecords(store.namespace(STORE_NAMESPACE), store.namespace(STORE_NAMESPACE + ".rosters"),
                artifacts, appsDir);
        this.refounder = new Refounder(node.identity().id(), refoundQuiet, System::nanoTime);
        this.sweeper = new LeftoverSweeper(store.namespace(STORE_NAMESPACE + ".leftovers"), containers);
        this.advertiser = new Advertiser(node);
        this.deployer = new Deployer(new DeployerSide(), node, records, artifacts, fellowships, ring, runtimes, timing);
        this.coordinatorOps = new CoordinatorOps(ring, records, node.identity().id(), timing.stop(),
                this::removeLocally);
        this.transfer = new ArtifactTransfer(fellowships, artifacts, node.identity().id(), timing.fetch(),
                () -> closed);
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ringfellow-app-worker");
            t.setDaemon(true);
            return t;
        });
        this.lanes = new Lanes(workers);
        this.router = new Router(ring, node.identity().id());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ringfellow-app-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Picks up where the node left off: parts of apps whose fellowship this node is still in
     * start again; leftovers of the others (after a restart memberships are gone) are removed,
     * except the founder's record, which keeps the app in its list.
     */
    void start() {
        for (AppRecord r : records.all().values()) {
            if (fellowships.get(r.fellowship()).isPresent()) {
                join(r.name(), r);
                continue;
            }
            // removed now if its driver is here, else as soon as the driver returns (see LeftoverSweeper);
            // by its name too, for a node that died after the container was made and before the record
            // named it (a container that is not there is simply forgotten)
            if (r.containerId() != null) {
                sweeper.removeLater(r.containerId(), r.name());
            }
            sweeper.removeLater(AppInstance.containerName(r.name(), self()), r.name());
            sweeper.sweep();
            try {
                AppInstance.deleteTree(appsDir.resolve(r.name()));
            } catch (IOException x) {
                LOG.warn("Could not remove {}: {}", appsDir.resolve(r.name()), x.getMessage());
            }
            if (r.founder().equals(self().hex())) {
                saveRecord(r.withContainer(null));
                LOG.info("App {} was deployed from this node; this node left its fellowship when it restarted",
                        r.name());
            } else {
                forget(r);
            }
        }
        timer.scheduleWithFixedDelay(this::tick, STATUS_PERIOD.toMillis(), STATUS_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        advertiser.withdraw();
        timer.shutdownNow();
        for (AppInstance i : instances.values()) {
            i.stop("the app engine is stopping");
        }
        instances.clear();
        workers.shutdownNow();
    }

    // ------------------------------------------------------------------ AppService

    @Override
    public AppStatus deploy(URI artifact, Consumer<String> progress) throws AppException {
        return deployer.deploy(artifact, progress);
    }

    @Override
    public List<AppStatus> list() {
        List<AppStatus> out = new ArrayList<>();
        for (String name : records.names()) {
            status(name).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(s -> s.descriptor().name()));
        return out;
    }

    @Override
    public Optional<AppStatus> status(String name) {
        Optional<AppRecord> r = loadRecord(name);
        if (r.isEmpty()) {
            return Optional.empty();
        }
        AppDescriptor d = r.get().descriptor();
        AppInstance i = instances.get(name);
        Optional<Fellowship> f = fellowships.get(r.get().fellowship());
        if (i == null || f.isEmpty()) {
            String waiting = refounder.waitingFor(name);
            return Optional.of(new AppStatus(d, r.get().digest(), AppState.DEGRADED,
                    "this node is not in the app's fellowship (it left when it restarted); "
                            + (waiting == null ? "the app runs on its members" : "not founded again yet: " + waiting),
                    List.of()));
        }
        List<MemberStatus> members = StatusBoard.members(
                f.get().roster().members().stream().map(FellowshipMember::node).toList(), i.statuses, this::name);
        return Optional.of(StatusBoard.aggregate(d, r.get().digest(), r.get().size(), members));
    }

    @Override
    public AppStatus scale(String name, int size) throws AppException {
        if (size < 1 || size > AppDescriptor.MAX_SIZE) {
            throw new AppException("app size must be 1.." + AppDescriptor.MAX_SIZE + ", got " + size);
        }
        instance(name);
        Fellowship f = fellowship(name);
        if (f.isCoordinator()) {
            coordinatorOps.scale(name, f, size);
        } else {
            Wire.Answer a = ask(f, f.roster().coordinator(), Wire.SCALE, Wire.encode(new Wire.Scale(size)),
                    timing.start().plusSeconds(10));
            if (!a.ok()) {
                throw new AppException("the coordinator could not scale " + name + ": " + a.error());
            }
        }
        return deployer.awaitSize(name, size);
    }

    @Override
    public LogSlice logs(String name, String member, long fromOffset) throws AppException {
        AppInstance i = instance(name);
        Fellowship f = fellowship(name);
        NodeId target = memberByPrefix(f, member);
        try {
            Wire.LogAnswer a;
            if (target.equals(self())) {
                a = i.log().read(fromOffset);
            } else {
                FellowshipMessage reply = f.request(target, Wire.LOGS, Wire.encode(new Wire.LogRead(fromOffset)),
                        timing.fetch()).toCompletableFuture().get();
                a = Wire.decode(reply.payload(), Wire.LogAnswer.class);
            }
            return new LogSlice(a.text(), a.nextOffset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AppException("interrupted", e);
        } catch (Exception e) {
            throw new AppException("cannot read the log of " + target.shortId() + ": " + AppInstance.message(e), e);
        }
    }

    private static NodeId memberByPrefix(Fellowship f, String prefix) throws AppException {
        String p = prefix == null ? "" : prefix.trim().toLowerCase();
        List<NodeId> found = f.roster().members().stream().map(FellowshipMember::node)
                .filter(n -> n.hex().startsWith(p)).toList();
        if (found.size() != 1) {
            throw new AppException(found.isEmpty() ? "no member of the app starts with '" + prefix + "'"
                    : "'" + prefix + "' matches " + found.size() + " members; give more of the id");
        }
        return found.get(0);
    }

    @Override
    public int send(String name, String member, String topic, byte[] payload) throws AppException {
        AppInstance i = instance(name);
        Fellowship f = fellowship(name);
        byte[] body;
        try {
            body = Wire.encode(new Wire.Envelope(topic, payload));
        } catch (IllegalArgumentException e) {
            throw new AppException(e.getMessage(), e);
        }
        List<NodeId> targets = "*".equals(member) ? f.roster().members().stream().map(FellowshipMember::node).toList()
                : List.of(memberByPrefix(f, member));
        for (NodeId to : targets) {
            if (to.equals(self())) {
                i.deliver(new BridgeEvent.Message(ref(name, to), topic, payload));
            } else {
                try {
                    f.send(to, Wire.MESSAGE, body);
                } catch (FellowshipException e) {
                    throw new AppException("could not send to " + to.shortId() + ": " + e.getMessage(), e);
                }
            }
        }
        return targets.size();
    }

    @Override
    public void undeploy(String name) throws AppException {
        Optional<AppRecord> r = loadRecord(name);
        Optional<Fellowship> f = fellowships.get(AppRecord.fellowshipOf(name));
        if (r.isEmpty() && f.isEmpty()) {
            throw new AppException("no app named " + name + " is deployed on this node");
        }
        if (f.isEmpty()) {
            // held for the whole check and removal, so that no founding of the app starts meanwhile
            if (!refounding.add(name)) {
                throw new AppException("app " + name + " is being founded again from this node (its fellowship was "
                        + "lost); run app:undeploy again once app:status shows it running");
            }
            try {
                if (fellowships.get(AppRecord.fellowshipOf(name)).isPresent()) {
                    throw new AppException("app " + name + " was founded again from this node just now; run "
                            + "app:undeploy again");
                }
                List<Member> runners = runnersOnTheRing(name);
                // the founder's record outlived the fellowship: only the record is left here
                removeLocally(name, "undeployed; this node is not in its fellowship");
                Set<String> left = new java.util.TreeSet<>(claims);
                if (left.remove(name)) {
                    claims = Set.copyOf(left);
                    publishApps();
                }
                if (!runners.isEmpty()) {
                    throw new AppException("removed this node's record of app " + name + " (this node left its "
                            + "fellowship when it restarted, and will not found it again); the app still runs on its "
                            + "members: run app:undeploy " + name + " on one of them to stop it: "
                            + runners.stream().map(Member::name).toList());
                }
                LOG.info("App {}: no node on the Ring runs it any more; its record on this node was removed", name);
                return;
            } finally {
                refounding.remove(name);
            }
        }
        if (!f.get().isCoordinator()) {
            NodeId coordinator = f.get().roster().coordinator();
            Wire.Answer a;
            try {
                a = ask(f.get(), coordinator, Wire.UNDEPLOY, new byte[0], timing.stop().multipliedBy(2));
            } catch (AppException e) {
                // the coordinator's dissolve can end this node's membership before its answer arrives
                if (fellowships.get(AppRecord.fellowshipOf(name)).isEmpty() && !hasRecord(name)) {
                    return;
                }
                throw e;
            }
            if (!a.ok()) {
                throw new AppException("the coordinator could not undeploy " + name + ": " + a.error());
            }
            return;
        }
        coordinatorOps.undeploy(name, f.get());
    }

    /** Stops this node's part of an app and forgets it: container, files, record, artifact, log. */
    private void removeLocally(String name, String why) {
        AppInstance i = instances.remove(name);
        if (i != null) {
            publishApps();
        }
        if (i != null) {
            i.stop(why);
            try {
                i.deleteLog();
            } catch (IOException e) {
                LOG.warn("Could not remove the log of app {}: {}", name, e.getMessage());
            }
        }
        loadRecord(name).ifPresent(this::forget);
    }

    private void forget(AppRecord r) {
        records.forget(r);
    }

    // ------------------------------------------------------------------ AppGateway

    /**
     * Counts a request (see {@link AppMetrics}) once, on the node whose ingress got it from its client: not one
     * another node passed on ({@link AppGateway#HOP_HEADER}), nor one for a name no app has (a series per name a
     * client sends would be unbounded).
     */
    @Override
    public CompletionStage<HttpResponse> forward(String app, HttpRequest request) {
        if (request.headers().containsKey(AppGateway.HOP_HEADER) || !exists(app)) {
            return route(app, request);
        }
        long started = System.nanoTime();
        CompletionStage<HttpResponse> answer;
        try {
            answer = route(app, request);
        } catch (RuntimeException e) {
            counters.request(app, 502, System.nanoTime() - started);
            throw e;
        }
        return answer.whenComplete((r, e) -> counters.request(app, e != null || r == null ? 502 : r.status(),
                System.nanoTime() - started));
    }

    /** Whether an app exists as far as this node knows: it runs a part of it, or the Ring shows a member that does. */
    private boolean exists(String app) {
        return instances.containsKey(app) || !router.runners(app).isEmpty();
    }

    @Override
    public List<AppMetrics> metrics() {
        return counters.snapshot(List.copyOf(instances.keySet()), this::exists);
    }

    private CompletionStage<HttpResponse> route(String app, HttpRequest request) {
        Optional<HttpResponse> refused = AppInstance.refuseBody(app, request);
        if (refused.isPresent()) {
            // no member could hand it to the app: refused here, before it travels
            return CompletableFuture.completedFuture(refused.get());
        }
        AppInstance i = instances.get(app);
        Optional<Fellowship> f = fellowships.get(AppRecord.fellowshipOf(app));
        if (i == null || f.isEmpty()) {
            return elsewhere(app, request);
        }
        return toMember(app, i, f.get(), request, new java.util.HashSet<>());
    }

    /**
     * A request for an app this node is a member of, to the member {@link HttpChoice} picks: this
     * node's own part, or another member over the fellowship ({@code app.http}). For an app whose
     * HTTP is stateless, a member that answers that its part does not run is left out and the
     * choice made again; so is one that fails (dies, leaves) on a request whose method is
     * idempotent. A non-idempotent request that a member failed on is a 502, as for the
     * coordinator of any app: the engine cannot know whether the app acted on it.
     */
    private CompletionStage<HttpResponse> toMember(String app, AppInstance i, Fellowship f, HttpRequest request,
            java.util.Set<NodeId> excluded) {
        AppRecord record = i.record();
        HttpMode mode = record == null ? HttpMode.COORDINATOR : record.http();
        HttpChoice.Target target = HttpChoice.choose(app, mode, self(), f.roster().coordinator(),
                f.isCoordinator(), i.serving(), f.roster().members().stream().map(FellowshipMember::node).toList(),
                i.statuses, httpLoad, excluded);
        if (target instanceof HttpChoice.Refused r) {
            return CompletableFuture.completedFuture(r.response());
        }
        if (target instanceof HttpChoice.Local) {
            return i.http(request);
        }
        NodeId to = ((HttpChoice.Remote) target).member();
        boolean stateless = mode == HttpMode.STATELESS;
        String who = stateless ? "the member " + name(to) : "the coordinator";
        httpLoad.begin(to);
        CompletableFuture<FellowshipMessage> sent;
        try {
            sent = f.request(to, Wire.HTTP, Wire.encode(Wire.Http.of(request)),
                    AppInstance.HTTP_TIMEOUT.plusSeconds(1)).toCompletableFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((reply, e) -> {
            httpLoad.end(to);
            if (e != null) {
                boolean timeout = e instanceof TimeoutException || e.getCause() instanceof TimeoutException;
                if (stateless && !timeout && HttpChoice.idempotent(request.method()) && excluded.size() < 8) {
                    excluded.add(to);
                    return toMember(app, i, f, request, excluded);
                }
                return CompletableFuture.completedFuture(HttpResponse.text(timeout ? 504 : 502, "text/plain",
                        "app " + app + ": " + who + " did not answer: " + AppInstance.message(e) + "\n"));
            }
            HttpResponse answer;
            try {
                answer = Wire.decode(reply.payload(), Wire.HttpAnswer.class).toResponse();
            } catch (IOException | IllegalArgumentException x) {
                return CompletableFuture.completedFuture(HttpResponse.text(502, "text/plain", "app " + app
                        + ": malformed answer\n"));
            }
            if (notServing(answer)) {
                if (stateless && excluded.size() < 8) {
                    // its app never saw the request: safe to ask another member, whatever the method
                    excluded.add(to);
                    return toMember(app, i, f, request, excluded);
                }
                answer = withoutNotServing(answer);
            }
            return CompletableFuture.completedFuture(answer);
        }).thenCompose(x -> x);
    }

    /** Requests this node has sent to each member over the fellowship and not yet seen answered. */
    private final LeastOutstanding<NodeId> httpLoad = new LeastOutstanding<>();

    private static boolean notServing(HttpResponse r) {
        if (r.status() != 503) {
            return false;
        }
        for (String k : r.headers().keySet()) {
            if (k.equalsIgnoreCase(Wire.NOT_SERVING)) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse withoutNotServing(HttpResponse r) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        r.headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase(Wire.NOT_SERVING)) {
                headers.put(k, v);
            }
        });
        return new HttpResponse(r.status(), headers, r.body());
    }

    /** The other live Ring members that say (label {@link Labels#APPS}) they run a part of the app. */
    private List<Member> runnersOnTheRing(String app) {
        return router.runners(app).stream().map(Router.Runner::member).toList();
    }

    /**
     * A request for an app this node has no part in: passed, over HTTP, to the ingress of a
     * member the Ring says runs it (labels {@link Labels#APPS} and {@link Labels#HTTP}), once
     * ({@link AppGateway#HOP_HEADER}); 404 if no member is known.
     */
    private CompletionStage<HttpResponse> elsewhere(String app, HttpRequest request) {
        HttpResponse notHere = HttpResponse.text(404, "text/plain", "no app named '" + app + "' runs on this ring\n");
        if (request.headers().containsKey(AppGateway.HOP_HEADER)) {
            return CompletableFuture.completedFuture(notHere);
        }
        Optional<Router.Runner> to = router.pick(app);
        if (to.isEmpty()) {
            return CompletableFuture.completedFuture(notHere);
        }
        Router.Runner r = to.get();
        router.begin(r);
        CompletionStage<HttpResponse> answer;
        try {
            answer = forwarder.forward(r.member().address().host(), r.httpPort(), app, request);
        } catch (RuntimeException e) {
            router.end(r);
            throw e;
        }
        return answer.whenComplete((x, e) -> router.end(r));
    }

    // ------------------------------------------------------------------ FellowshipListener

    @Override
    public void onEvent(FellowshipEvent event) {
        String name = AppRecord.appOf(event.fellowship());
        if (name == null || closed) {
            return;
        }
        // the listener contract says return quickly: store writes, file reads and container calls run on the lane
        lanes.execute(name, () -> {
            if (closed) {
                return;
            }
            try {
                handle(name, event);
            } catch (RuntimeException e) {
                LOG.warn("App {}: could not handle {}: {}", name, event.type(), e.toString());
            }
        });
    }

    private void handle(String name, FellowshipEvent event) {
        Optional<Fellowship> f = fellowships.get(event.fellowship());
        if (event.type() == FellowshipEvent.Type.DISSOLVED) {
            workers.execute(() -> removeLocally(name, "the app's fellowship was dissolved"));
            return;
        }
        if (f.isEmpty()) {
            if (event.type() == FellowshipEvent.Type.MEMBER_LEFT && instances.containsKey(name)) {
                workers.execute(() -> removeLocally(name, "this node left the app's fellowship"));
            }
            return;
        }
        if (!instances.containsKey(name)) {
            // a part starts only when this node joins; other events of an app it has no part in are ignored
            if (event.type() == FellowshipEvent.Type.MEMBER_JOINED && event.member().filter(self()::equals)
                    .isPresent()) {
                join(name, loadRecord(name).orElse(null));
            }
            return;
        }
        switch (event.type()) {
            case MEMBER_JOINED -> event.member().filter(m -> !m.equals(self())).ifPresent(m -> {
                instances.get(name).deliver(new BridgeEvent.MemberJoined(ref(name, m)));
                publishStatus(name, instances.get(name).ownStatus());
            });
            case MEMBER_LEFT -> event.member().ifPresent(m -> {
                AppInstance x = instances.get(name);
                if (m.equals(self())) {
                    workers.execute(() -> removeLocally(name, "this node left the app's fellowship"));
                } else {
                    x.statuses.remove(m.hex());
                    x.deliver(new BridgeEvent.MemberLeft(new MemberRef(m.hex(), name(m), false)));
                }
            });
            case COORDINATOR_CHANGED -> {
                instances.get(name).deliver(new BridgeEvent.CoordinatorChanged(ref(name,
                        event.roster().coordinator())));
                if (event.roster().coordinator().equals(self())) {
                    // the size the app was last scaled to outlives its coordinator
                    loadRecord(name).filter(r -> r.size() != f.get().spec().targetSize()).ifPresent(r ->
                            workers.execute(() -> {
                                try {
                                    f.get().resize(r.size());
                                } catch (FellowshipException e) {
                                    LOG.warn("App {}: could not restore its size {}: {}", name, r.size(),
                                            e.getMessage());
                                }
                            }));
                }
            }
            case MESSAGE -> event.message().ifPresent(m -> onMessage(name, f.get(), m));
            default -> {
            }
        }
    }

    /** Starts this node's part of an app it joined, once. */
    private AppInstance join(String name, AppRecord record) {
        AppInstance[] made = new AppInstance[1];
        AppInstance i = instances.computeIfAbsent(name, n -> made[0] = new AppInstance(new Host(n), n, record));
        if (made[0] != null) {
            LOG.info("App {}: this node joined its fellowship; starting its part", name);
            publishApps();
            workers.execute(i::start);
        }
        return i;
    }

    private void onMessage(String name, Fellowship f, FellowshipMessage m) {
        protocol.dispatch(new MemberProtocol.Inbound(name, f, m, instances.get(name), ref(name, m.from())));
    }

    /** What a deploy gets of the engine. */
    private final class DeployerSide implements Deployer.Engine {
        @Override
        public Optional<AppStatus> status(String name) {
            return AppEngine.this.status(name);
        }

        @Override
        public void undeploy(String name) throws AppException {
            AppEngine.this.undeploy(name);
        }

        @Override
        public void join(String name, AppRecord record) {
            AppEngine.this.join(name, record);
        }

        @Override
        public void awaitStatusChange() throws InterruptedException {
            AppEngine.this.awaitStatusChange();
        }
    }

    /** What the member protocol's handlers get of the engine. */
    private final class ProtocolSide implements MemberProtocol.Engine {
        @Override
        public void execute(Runnable task) {
            workers.execute(task);
        }

        @Override
        public void reply(Fellowship f, FellowshipMessage request, byte[] payload) {
            AppEngine.this.reply(f, request, payload);
        }

        @Override
        public void countMalformed(FellowshipMessage m, Exception e) {
            AppEngine.this.countMalformed(m, e);
        }

        @Override
        public void statusChanged() {
            AppEngine.this.statusChanged();
        }

        @Override
        public byte[] chunk(AppRecord record, Wire.Fetch q) throws IOException {
            return transfer.chunk(record, q);
        }

        @Override
        public Optional<AppRecord> loadRecord(String app) {
            return records.load(app);
        }

        @Override
        public void saveRecord(AppRecord r) {
            records.save(r);
        }

        @Override
        public void scaleAsCoordinator(String app, Fellowship f, int size) throws AppException {
            coordinatorOps.scale(app, f, size);
        }

        @Override
        public void undeployAsCoordinator(String app, Fellowship f) throws AppException {
            coordinatorOps.undeploy(app, f);
        }

        @Override
        public void removeLocally(String app, String why) {
            AppEngine.this.removeLocally(app, why);
        }
    }

    /** The Ring label that tells other nodes which apps this node runs parts of (for their ingress). */
    static final String APPS_LABEL = Labels.APPS;

    /**
     * Publishes the names of the apps this node runs parts of, and, marked
     * {@value Advertiser#FOUNDER_MARK}, those it founded and holds the record of outside their
     * fellowship (it would found them again, {@link Refounder}), so that their coordinator refuses
     * an undeploy that would leave that record behind.
     */
    private void publishApps() {
        synchronized (advertiser) {
            java.util.Set<String> names = new java.util.TreeSet<>(instances.keySet());
            for (String claim : claims) {
                names.add(Advertiser.FOUNDER_MARK + claim);
            }
            advertiser.publish(names);
        }
    }

    void removeLater(String containerId, String app) {
        sweeper.removeLater(containerId, app);
    }

    private void tick() {
        sweeper.sweep();
        for (AppInstance i : instances.values()) {
            try {
                i.sweep();
                MemberStatus s = i.ownStatus();
                if (s != null) {
                    publishStatus(i.name, s);
                }
            } catch (RuntimeException e) {
                LOG.debug("App {}: status round failed: {}", i.name, e.toString());
            }
        }
        try {
            foundersRound();
        } catch (RuntimeException e) {
            LOG.warn("Apps: the founder's round failed: {}", e.toString());
        }
    }

    /**
     * For the apps this node founded: keeps the roster of each fellowship it is in (so that it
     * outlives the membership), and hands the ones whose fellowship is gone to the
     * {@link Refounder}. On the timer, never on a fellowship listener.
     */
    private void foundersRound() {
        Map<AppRecord, List<NodeId>> orphans = new java.util.LinkedHashMap<>();
        Set<String> claimed = new java.util.TreeSet<>();
        org.ringfellow.api.ring.RingView view = ring.view();
        for (AppRecord r : records.all().values()) {
            if (!r.founder().equals(self().hex())) {
                continue;
            }
            Optional<Fellowship> f = fellowships.get(r.fellowship());
            if (f.isPresent()) {
                records.keepRoster(r.name(), f.get().roster().members().stream().map(FellowshipMember::node).toList());
                continue;
            }
            if (instances.containsKey(r.name())) {
                continue;
            }
            claimed.add(r.name());
            List<NodeId> last = records.roster(r.name());
            // no roster kept: a deploy still recruiting (it keeps the roster once formed)
            if (!refounding.contains(r.name()) && !last.isEmpty()) {
                // the nodes seen running it meanwhile (recruited after this node left) join the roster it
                // waits for, so that a partition that hides them does not look like a lost fellowship
                List<NodeId> seen = Refounder.runners(r.name(), self(), view);
                if (!last.containsAll(seen)) {
                    Set<NodeId> more = new java.util.TreeSet<>(last);
                    more.addAll(seen);
                    if (more.size() <= AppDescriptor.MAX_SIZE) {
                        records.keepRoster(r.name(), List.copyOf(more));
                        last = records.roster(r.name());
                    }
                }
                orphans.put(r, last);
            }
        }
        if (!claimed.equals(claims)) {
            claims = Set.copyOf(claimed);
            publishApps();
        }
        refounder.tick(orphans, view, this::refound);
    }

    /** Founds the app again from its record, on a worker (the founding recruits and waits). */
    private void refound(AppRecord record) {
        if (!refounding.add(record.name())) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    deployer.refound(record, line -> LOG.info("App {}: {}", record.name(), line));
                } catch (AppException e) {
                    LOG.warn("App {}: founding it again failed, tried again later: {}", record.name(), e.getMessage());
                } finally {
                    refounding.remove(record.name());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            refounding.remove(record.name());
        }
    }

    // ------------------------------------------------------------------ restarts

    /** Sets how members restart failed parts; applies to the next failure. */
    void restartPolicy(RestartPolicy policy) {
        if (!policy.equals(restartPolicy)) {
            LOG.info("Apps: {}", policy);
        }
        restartPolicy = policy;
    }

    RestartPolicy restartPolicy() {
        return restartPolicy;
    }

    /** Runs {@code task} on a worker thread after {@code delay}; false if the engine is closing. */
    boolean later(Duration delay, Runnable task) {
        if (closed) {
            return false;
        }
        try {
            timer.schedule(() -> {
                try {
                    workers.execute(task);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the engine is closing
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * This node gives its seat in the app up after its part failed too often: it leaves the app's
     * fellowship, whose coordinator recruits another node (a node that left refuses to be
     * invited back for a while); leaving removes the part here like any other leave. The only
     * member of an app keeps its seat (nobody would recruit a replacement).
     *
     * @return false if this node kept its seat
     */
    boolean giveUp(String name, String reason) {
        Optional<Fellowship> f = fellowships.get(AppRecord.fellowshipOf(name));
        if (f.isEmpty()) {
            return true;
        }
        if (f.get().roster().members().size() < 2) {
            // nobody would be left to recruit a replacement: leaving would lose the app
            LOG.warn("App {}: {}; this node is its only member, so it keeps the seat and the part stays failed",
                    name, reason);
            return false;
        }
        LOG.warn("App {}: {}; leaving its fellowship so that another node takes this part", name, reason);
        try {
            f.get().leave();
        } catch (FellowshipException | RuntimeException e) {
            LOG.warn("App {}: could not leave its fellowship: {}", name, e.toString());
        }
        // the leave's own MEMBER_LEFT does the same; whichever comes second finds nothing left to do
        removeLocally(name, "this node gave its seat up");
        return true;
    }

    /**
     * No member could give this node the app's record or artifact within the fetch time (the only
     * node that held the artifact, its founder, died mid-deploy, say): a seat whose part can
     * never start is given up, by the only member too (it dissolves the fellowship), so that the
     * fellowship recruits a node that has the artifact (the restarted founder) or ends, and the
     * app is cleanly absent until its founder founds it again ({@link Refounder}).
     */
    void unobtainable(String name, String reason) {
        if (closed) {
            // the fetch ended because the engine stops: the seat is kept
            return;
        }
        Optional<Fellowship> f = fellowships.get(AppRecord.fellowshipOf(name));
        if (f.isPresent()) {
            boolean alone = f.get().roster().members().size() < 2;
            LOG.warn("App {}: {}; {} so that the app can be founded again", name, reason, alone
                    ? "dissolving its fellowship, whose only member this node is," : "leaving its fellowship");
            try {
                if (alone) {
                    f.get().dissolve();
                } else {
                    f.get().leave();
                }
            } catch (FellowshipException | RuntimeException e) {
                LOG.warn("App {}: could not give its seat up: {}", name, e.toString());
            }
        }
        removeLocally(name, "this node could not get the app's artifact and gave its seat up");
    }

    /** How often this node restarted its part of an app since it started it; -1 if it has none. */
    int restarts(String name) {
        AppInstance i = instances.get(name);
        return i == null ? -1 : i.restarts();
    }

    // ------------------------------------------------------------------ used by AppInstance

    NodeId self() {
        return node.identity().id();
    }

    Timing timing() {
        return timing;
    }

    String nodeName() {
        return node.name();
    }

    Path appsDir() {
        return appsDir;
    }

    ArtifactStore artifacts() {
        return artifacts;
    }

    ContainerManager containers() {
        return containers;
    }

    ExecutorService workers() {
        return workers;
    }

    Optional<ApplicationRuntime> runtime(String type) {
        return runtimes.apply(type);
    }

    long malformedCount() {
        return malformed.get();
    }

    Optional<NodeId> coordinator(String name) {
        return fellowships.get(AppRecord.fellowshipOf(name)).map(f -> f.roster().coordinator());
    }

    List<MemberRef> members(String name) {
        return fellowships.get(AppRecord.fellowshipOf(name)).map(f -> f.roster().members().stream()
                .map(m -> ref(name, m.node())).toList()).orElse(List.of());
    }

    MemberRef ref(String name, NodeId id) {
        boolean coordinator = coordinator(name).map(id::equals).orElse(false);
        return new MemberRef(id.hex(), name(id), coordinator);
    }

    private String name(NodeId id) {
        if (id.equals(self())) {
            return node.name();
        }
        try {
            return ring.view().member(id).map(Member::name).orElse(id.shortId());
        } catch (RuntimeException e) {
            return id.shortId();
        }
    }

    boolean hasRecord(String name) {
        return records.has(name);
    }

    Optional<AppRecord> loadRecord(String name) {
        return records.load(name);
    }

    void saveRecord(AppRecord r) {
        records.save(r);
    }

    /** Waits until a member status changes, or 200 ms. */
    private void awaitStatusChange() throws InterruptedException {
        synchronized (statusChanged) {
            statusChanged.wait(200);
        }
    }

    void statusChanged() {
        synchronized (statusChanged) {
            statusChanged.notifyAll();
        }
    }

    void publishStatus(String name, MemberStatus s) {
        if (s == null) {
            return;
        }
        statusChanged();
        fellowships.get(AppRecord.fellowshipOf(name)).ifPresent(f -> {
            if (f.roster().members().size() > 1) {
                try {
                    f.broadcast(Wire.STATUS, Wire.encode(Wire.Status.of(s)));
                } catch (FellowshipException | RuntimeException e) {
                    LOG.debug("App {}: status not sent: {}", name, e.toString());
                }
            }
        });
    }

    void countMalformed(FellowshipMessage m, Exception e) {
        long n = malformed.incrementAndGet();
        LOG.warn("App message {} from {} dropped ({} so far): {}", m.topic(), m.from().shortId(), n, e.getMessage());
    }

    void reply(Fellowship f, FellowshipMessage m, byte[] payload) {
        try {
            f.reply(m, payload);
        } catch (FellowshipException | RuntimeException e) {
            LOG.debug("Reply to {} on {} not sent: {}", m.from().shortId(), m.topic(), e.toString());
        }
    }

    void send(String name, NodeId to, String topic, byte[] payload) {
        try {
            fellowship(name).send(to, topic, payload);
        } catch (AppException | FellowshipException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    void broadcast(String name, String topic, byte[] payload) {
        try {
            fellowship(name).broadcast(topic, payload);
        } catch (AppException | FellowshipException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    CompletableFuture<FellowshipMessage> request(String name, NodeId to, String topic, byte[] payload,
            Duration timeout) {
        try {
            return fellowship(name).request(to, topic, payload, timeout).toCompletableFuture();
        } catch (AppException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Fellowship fellowship(String name) throws AppException {
        return fellowships.get(AppRecord.fellowshipOf(name)).orElseThrow(() -> new AppException(
                "this node is not in the fellowship of app " + name));
    }

    private AppInstance instance(String name) throws AppException {
        AppInstance i = instances.get(name);
        if (i == null) {
            throw new AppException(hasRecord(name) ? "this node is not in the fellowship of app " + name
                    + " (it left when it restarted)" : "no app named " + name + " is deployed on this node");
        }
        return i;
    }

    private Wire.Answer ask(Fellowship f, NodeId to, String topic, byte[] payload, Duration timeout)
            throws AppException {
        try {
            FellowshipMessage reply = f.request(to, topic, payload, timeout).toCompletableFuture().get();
            return Wire.decode(reply.payload(), Wire.Answer.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AppException("interrupted", e);
        } catch (Exception e) {
            throw new AppException(to.shortId() + " did not answer: " + AppInstance.message(e), e);
        }
    }

    /** What one app's part on this node gets of the engine. */
    private final class Host implements AppHost {
        private final String app;

        Host(String app) {
            this.app = app;
        }

        @Override
        public NodeId self() {
            return AppEngine.this.self();
        }

        @Override
        public String nodeName() {
            return AppEngine.this.nodeName();
        }

        @Override
        public Path appsDir() {
            return appsDir;
        }

        @Override
        public Duration settle() {
            return timing.settle();
        }

        @Override
        public RestartPolicy restartPolicy() {
            return restartPolicy;
        }

        @Override
        public void restarted() {
            counters.restarted(app);
        }

        @Override
        public AppRecord fetchRecord() throws IOException, InterruptedException {
            return transfer.fetchRecord(app);
        }

        @Override
        public boolean hasArtifact(String digest) {
            return artifacts.has(digest);
        }

        @Override
        public void fetchArtifact(AppRecord record) throws IOException, InterruptedException {
            transfer.fetchArtifact(app, record);
        }

        @Override
        public Path artifact(String digest) {
            return artifacts.path(digest);
        }

        @Override
        public void saveRecord(AppRecord record) {
            AppEngine.this.saveRecord(record);
        }

        @Override
        public boolean hasRecord() {
            return AppEngine.this.hasRecord(app);
        }

        @Override
        public Optional<ApplicationRuntime> runtime(String type) {
            return AppEngine.this.runtime(type);
        }

        @Override
        public ContainerManager containers() {
            return containers;
        }

        @Override
        public void execute(Runnable task) {
            workers.execute(task);
        }

        @Override
        public boolean later(Duration delay, Runnable task) {
            return AppEngine.this.later(delay, task);
        }

        @Override
        public List<MemberRef> members() {
            return AppEngine.this.members(app);
        }

        @Override
        public MemberRef ref(NodeId id) {
            return AppEngine.this.ref(app, id);
        }

        @Override
        public Optional<NodeId> coordinator() {
            return AppEngine.this.coordinator(app);
        }

        @Override
        public boolean giveUp(String reason) {
            return AppEngine.this.giveUp(app, reason);
        }

        @Override
        public void unobtainable(String reason) {
            AppEngine.this.unobtainable(app, reason);
        }

        @Override
        public void removeLater(String containerId) {
            AppEngine.this.removeLater(containerId, app);
        }

        @Override
        public void publishStatus(MemberStatus status) {
            AppEngine.this.publishStatus(app, status);
        }

        @Override
        public void countMalformed(FellowshipMessage message, Exception e) {
            AppEngine.this.countMalformed(message, e);
        }

        @Override
        public void send(NodeId to, String topic, byte[] payload) {
            AppEngine.this.send(app, to, topic, payload);
        }

        @Override
        public void broadcast(String topic, byte[] payload) {
            AppEngine.this.broadcast(app, topic, payload);
        }

        @Override
        public CompletableFuture<FellowshipMessage> request(NodeId to, String topic, byte[] payload,
                Duration timeout) {
            return AppEngine.this.request(app, to, topic, payload, timeout);
        }
    }
}
