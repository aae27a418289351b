package org.ringfellow.app.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.api.runtime.RuntimeLaunch;
import org.ringfellow.api.runtime.RuntimePlan;
import org.ringfellow.app.bridge.BridgeCommand;
import org.ringfellow.app.bridge.BridgeEvent;
import org.ringfellow.app.bridge.BridgeLimits;
import org.ringfellow.app.bridge.NodeBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part of one app: its container, the bridge to the app inside it, and the
 * routing between the bridge and the app's fellowship. Started on the engine's worker
 * threads; events arrive on the fellowship's thread and are handed to the bridge's queue
 * at once, in order, so messages from one sender reach the app in the order sent.
 */
final class AppInstance {

    private static final Logger LOG = LoggerFactory.getLogger(AppInstance.class);
    /** The longest failure reason repeated in a status message. */
    private static final int MAX_REASON = 200;

    /** How long a request the app received may wait for its reply before it is forgotten. */
    static final Duration INCOMING_TTL = Duration.ofMinutes(10);
    /** Events held while the container is being prepared. */
    static final int MAX_EARLY = 10_000;
    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final AppEngine engine;
    final String name;
    private final AppLog log;
    private final Path base;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Incoming> incoming = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<HttpResponse>> http = new ConcurrentHashMap<>();
    /** Every member's last status, this one's included, by node id. */
    final Map<String, MemberStatus> statuses = new ConcurrentHashMap<>();
    private final List<BridgeEvent> early = new ArrayList<>();

    private volatile AppRecord record;
    private volatile NodeBridge bridge;
    private volatile String containerId;
    private volatile String driver;
    private volatile boolean stopping;
    private volatile boolean connected;
    /** When the part last became RUNNING (System.nanoTime), 0 while it is not. */
    private volatile long runningSince;
    /** Whether the part has run for the engine's settle time since this node started it: then failures restart it. */
    private volatile boolean hasRun;
    /** Times (System.nanoTime) of the failures still inside the restart window. */
    private final ArrayDeque<Long> failures = new ArrayDeque<>();
    private volatile int restarts;
    private volatile String lastFailure;

    /** A request delivered to the app, waiting for its reply. */
    private record Incoming(long deadlineNanos, Responder responder) {
    }

    private interface Responder {
        void answer(Wire.Answer answer);
    }

    AppInstance(AppEngine engine, String name, AppRecord record) {
        this.engine = engine;
        this.name = name;
        this.record = record;
        this.base = engine.appsDir().resolve(name);
        this.log = new AppLog(engine.appsDir().resolve(name + ".log"));
        status(AppState.DEPLOYING, "joined the app's fellowship");
    }

    AppRecord record() {
        return record;
    }

    AppLog log() {
        return log;
    }

    boolean connected() {
        return connected;
    }

    /** How often this node restarted its part since it started it. */
    int restarts() {
        return restarts;
    }

    MemberStatus ownStatus() {
        return statuses.get(engine.self().hex());
    }

    // ------------------------------------------------------------------ lifecycle

    /** Fetches what is missing, prepares the runtime and starts the container. Runs on a worker thread. */
    void start() {
        String stage = "reading the app's record";
        try {
            AppRecord r = record != null ? record : engine.fetchRecord(name);
            record = r;
            AppDescriptor d = r.descriptor();
            stage = "fetching the artifact";
            if (!engine.artifacts().has(r.digest())) {
                status(AppState.DEPLOYING, "fetching the artifact (" + r.length() + " bytes)");
                engine.fetchArtifact(name, r);
            }
            engine.saveRecord(r);
            stage = "finding the runtime";
            ApplicationRuntime runtime = engine.runtime(d.runtime()).orElseThrow(() -> new IllegalStateException(
                    "runtime '" + d.runtime() + "' is not installed on this node: feature:install "
                            + ApplicationRuntime.featureFor(d.runtime())));
            runtime.check(d);
            stage = "preparing the container";
            deleteTree(base);
            Path bridgeDir = Files.createDirectories(base.resolve("b"));
            Path workDir = Files.createDirectories(base.resolve("w"));
            RuntimePlan plan = runtime.prepare(new RuntimeLaunch(d, engine.artifacts().path(r.digest()), bridgeDir,
                    workDir, containerName()));
            if (stopping) {
                return;
            }
            stage = "opening the bridge";
            NodeBridge b = NodeBridge.open(bridgeDir, plan.transport(), BridgeLimits.DEFAULTS, new Listener());
            synchronized (early) {
                bridge = b;
                b.deliver(started());
                for (BridgeEvent e : early) {
                    b.deliver(e);
                }
                early.clear();
            }
            stage = "starting the container";
            ContainerInfo info = engine.containers().run(plan.container());
            record = r.withContainer(info.id());
            engine.saveRecord(record);
            log.line("container " + info.id() + " started on " + info.driverType());
            // with the bridge's connected(): whichever comes second says RUNNING, never DEPLOYING after it
            synchronized (this) {
                containerId = info.id();
                driver = info.driverType();
                if (connected) {
                    running();
                } else {
                    status(AppState.DEPLOYING, "container " + shortId(info.id()) + " on " + info.driverType()
                            + ", waiting for the app to connect");
                }
            }
            if (stopping) {
                // stop() may have released before the container existed
                release();
                return;
            }
            engine.workers().execute(this::watch);
        } catch (Exception e) {
            String reason = stage + " failed: " + message(e);
            log.line(reason);
            if (!failed(reason)) {
                status(AppState.FAILED, reason);
                release();
            }
        }
    }

    /** Says RUNNING, with the restarts so far; called once both the container runs and the app connected. */
    private void running() {
        if (runningSince == 0) {
            runningSince = System.nanoTime();
        }
        String last = lastFailure;
        status(AppState.RUNNING, "running in container " + shortId(containerId) + " on " + driver
                + (restarts == 0 ? "" : "; restarted " + restarts + " time(s), last after: " + last));
    }

    /**
     * A part that has run (see {@link #hasRun}) and then failed is restarted after the policy's
     * backoff, or, after too many failures within its window, this node gives its seat up. A part
     * that fails before it has ever run stays FAILED (a deploy then fails with the reason).
     *
     * @return false if the failure is left to the caller (the part never ran, or it is stopping)
     */
    private boolean failed(String reason) {
        long now = System.nanoTime();
        long since = runningSince;
        runningSince = 0;
        if (since != 0 && now - since >= engine.timing().settle().toNanos()) {
            hasRun = true;
        }
        if (!hasRun || stopping) {
            return false;
        }
        RestartPolicy p = engine.restartPolicy();
        int recent;
        synchronized (failures) {
            while (!failures.isEmpty() && now - failures.peekFirst() > p.window().toNanos()) {
                failures.removeFirst();
            }
            failures.addLast(now);
            recent = failures.size();
        }
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        lastFailure = shortReason;
        release();
        if (stopping) {
            return true;
        }
        if (recent > p.maxRestarts()) {
            String why = "failed " + recent + " time(s) within " + p.window().toSeconds() + " s (last: " + shortReason
                    + ")";
            log.line(why + "; giving this node's seat up");
            status(AppState.FAILED, why + "; this node gives its seat up");
            if (!engine.giveUp(name, why)) {
                String kept = why + "; not restarted again, and this node, the app's only member, keeps its seat "
                        + "(app:undeploy it)";
                log.line(kept);
                status(AppState.FAILED, kept);
            }
            return true;
        }
        Duration wait = p.backoffAfter(recent);
        String why = "restarting in " + wait.toMillis() + " ms (failure " + recent + " within " + p.window().toSeconds()
                + " s; more than " + p.maxRestarts() + " gives the seat up) after: " + shortReason;
        log.line(why);
        LOG.info("App {}: {}", name, why);
        status(AppState.DEPLOYING, why);
        if (!engine.later(wait, this::restart)) {
            status(AppState.FAILED, reason);
        }
        return true;
    }

    private void restart() {
        if (stopping) {
            return;
        }
        restarts++;
        log.line("restart " + restarts + " of this part");
        LOG.info("App {}: restarting this node's part (restart {})", name, restarts);
        status(AppState.DEPLOYING, "restart " + restarts + ": starting the container again");
        start();
    }

    private String containerName() {
        return "app-" + name + "-" + engine.self().hex().substring(0, 8);
    }

    private BridgeEvent.Started started() {
        List<MemberRef> members = engine.members(name);
        return new BridgeEvent.Started(name, engine.ref(name, engine.self()), members,
                engine.coordinator(name).map(NodeId::hex).orElse(engine.self().hex()));
    }

    /** Waits for the container to end; an end the engine did not ask for is a failure. */
    private void watch() {
        String id = containerId;
        try {
            Optional<ExitStatus> exit = engine.containers().waitFor(id, Duration.ofDays(3650));
            if (stopping || exit.isEmpty()) {
                return;
            }
            ExitStatus x = exit.get();
            copyContainerLog(id);
            String reason = "the app exited with code " + x.exitCode() + (x.signal() != 0 ? " (signal " + x.signal() + ")"
                    : "") + (x.oomKilled() ? " (killed: out of memory)" : "");
            log.line(reason);
            if (!failed(reason)) {
                status(AppState.FAILED, reason);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (DriverException | RuntimeException e) {
            if (!stopping) {
                log.line("lost track of container " + id + ": " + message(e));
            }
        }
    }

    private void copyContainerLog(String id) {
        try {
            var chunk = engine.containers().logs(id, 0, 16 * 1024);
            String text = chunk.text().strip();
            if (!text.isEmpty()) {
                for (String line : text.split("\n")) {
                    log.line("container: " + line);
                }
            }
        } catch (DriverException | RuntimeException e) {
            // the container's own log is a bonus
        }
    }

    /** Stops the app and removes everything of it on this node except the record. */
    void stop(String why) {
        stopping = true;
        log.line("stopping: " + why);
        NodeBridge b = bridge;
        String id = containerId;
        if (b != null && id != null && connected) {
            b.deliver(new BridgeEvent.Stopped());
            try {
                engine.containers().waitFor(id, Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (DriverException | RuntimeException e) {
                // stopped below
            }
        }
        release();
        status(AppState.UNDEPLOYED, why);
    }

    private void release() {
        String id = containerId;
        if (id != null) {
            try {
                if (engine.containers().get(id).isPresent()) {
                    engine.containers().stop(id, Duration.ofSeconds(2));
                    engine.containers().destroy(id);
                }
            } catch (DriverException | RuntimeException e) {
                log.line("could not remove container " + id + " now (" + message(e) + "); it is removed as soon as "
                        + "its driver can");
                engine.removeLater(id, name);
            }
            containerId = null;
            AppRecord r = record;
            if (r != null && engine.hasRecord(name)) {
                record = r.withContainer(null);
                engine.saveRecord(record);
            }
        }
        NodeBridge b = bridge;
        if (b != null) {
            b.close();
            bridge = null;
        }
        connected = false;
        runningSince = 0;
        for (Incoming in : incoming.values()) {
            in.responder.answer(Wire.Answer.error("the app stopped on this member"));
        }
        incoming.clear();
        http.values().forEach(f -> f.complete(HttpResponse.text(503, "text/plain", "the app stopped on this member")));
        http.clear();
        try {
            deleteTree(base);
        } catch (IOException e) {
            log.line("could not remove " + base + ": " + e.getMessage());
        }
    }

    void deleteLog() throws IOException {
        Files.deleteIfExists(engine.appsDir().resolve(name + ".log"));
    }

    // ------------------------------------------------------------------ status

    void status(AppState state, String message) {
        MemberStatus s = new MemberStatus(engine.self().hex(), engine.nodeName(), containerId, driver, state, message);
        statuses.put(s.node(), s);
        engine.publishStatus(name, s);
    }

    // ------------------------------------------------------------------ events from the fellowship

    /** Hands an event to the app; held while its container is being prepared. */
    boolean deliver(BridgeEvent event) {
        synchronized (early) {
            NodeBridge b = bridge;
            if (b == null) {
                if (stopping || early.size() >= MAX_EARLY) {
                    return false;
                }
                early.add(event);
                return true;
            }
            return b.deliver(event);
        }
    }

    void onMessage(Fellowship f, FellowshipMessage m, MemberRef from) {
        try {
            Wire.Envelope env = Wire.decode(m.payload(), Wire.Envelope.class);
            if (!deliver(new BridgeEvent.Message(from, env.topic(), env.payload()))) {
                log.line("dropped a message from " + from.name() + ": the app's queue is full");
            }
        } catch (IOException e) {
            engine.countMalformed(m, e);
        }
    }

    void onRequest(Fellowship f, FellowshipMessage m, MemberRef from) {
        Wire.Envelope env;
        try {
            env = Wire.decode(m.payload(), Wire.Envelope.class);
        } catch (IOException e) {
            engine.countMalformed(m, e);
            engine.reply(f, m, Wire.encode(Wire.Answer.error("malformed request: " + e.getMessage())));
            return;
        }
        receive(from, env.topic(), env.payload(), a -> engine.reply(f, m, Wire.encode(a)));
    }

    private void receive(MemberRef from, String topic, byte[] payload, Responder responder) {
        long id = ids.incrementAndGet();
        incoming.put(id, new Incoming(System.nanoTime() + INCOMING_TTL.toNanos(), responder));
        if (!deliver(new BridgeEvent.Request(id, from, topic, payload))) {
            incoming.remove(id);
            responder.answer(Wire.Answer.error("the app is not keeping up"));
        }
    }

    /** An HTTP request for the app on this member (the coordinator). */
    CompletableFuture<HttpResponse> http(HttpRequest request) {
        MemberStatus own = ownStatus();
        if (!connected && own != null && own.state() == AppState.FAILED) {
            return CompletableFuture.completedFuture(HttpResponse.text(503, "text/plain",
                    "app " + name + " is not running on its coordinator (" + own.nodeName() + "): " + own.message()
                            + "\n"));
        }
        if (!connected) {
            return CompletableFuture.completedFuture(new HttpResponse(503,
                    Map.of("Content-Type", "text/plain; charset=utf-8", AppGateway.RETRY_AFTER, "2"),
                    ("app " + name + " is starting; try again shortly\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        long id = ids.incrementAndGet();
        CompletableFuture<HttpResponse> f = new CompletableFuture<>();
        http.put(id, f);
        if (!deliver(new BridgeEvent.Http(id, request))) {
            http.remove(id);
            return CompletableFuture.completedFuture(HttpResponse.text(503, "text/plain",
                    "app " + name + " is not keeping up\n"));
        }
        return f.completeOnTimeout(HttpResponse.text(504, "text/plain", "app " + name + " did not answer within "
                + HTTP_TIMEOUT.toSeconds() + " s\n"), HTTP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> http.remove(id));
    }

    /** Forgets requests the app never answered. */
    void sweep() {
        long now = System.nanoTime();
        incoming.entrySet().removeIf(e -> {
            if (now - e.getValue().deadlineNanos > 0) {
                e.getValue().responder.answer(Wire.Answer.error("the app did not answer"));
                return true;
            }
            return false;
        });
    }

    // ------------------------------------------------------------------ commands from the app

    private final class Listener implements NodeBridge.Listener {

        @Override
        public void command(BridgeCommand command) {
            try {
                handle(command);
            } catch (RuntimeException e) {
                log.line("could not carry out the app's " + command.getClass().getSimpleName().toLowerCase() + ": "
                        + message(e));
            }
        }

        @Override
        public void connected() {
            log.line("the app connected");
            synchronized (AppInstance.this) {
                connected = true;
                if (containerId != null) {
                    running();
                }
            }
        }

        @Override
        public void disconnected(String reason) {
            connected = false;
            if (!stopping) {
                log.line("the app disconnected: " + reason);
            }
        }

        @Override
        public void malformed(String reason) {
            log.line("dropped a malformed line from the app: " + reason);
        }
    }

    private void handle(BridgeCommand command) {
        NodeId self = engine.self();
        if (command instanceof BridgeCommand.Send s) {
            if (s.to().equals(self.hex())) {
                deliver(new BridgeEvent.Message(engine.ref(name, self), s.topic(), s.payload()));
            } else {
                engine.send(name, parse(s.to()), Wire.MESSAGE, Wire.encode(new Wire.Envelope(s.topic(), s.payload())));
            }
        } else if (command instanceof BridgeCommand.Broadcast b) {
            engine.broadcast(name, Wire.MESSAGE, Wire.encode(new Wire.Envelope(b.topic(), b.payload())));
        } else if (command instanceof BridgeCommand.Request r) {
            request(r);
        } else if (command instanceof BridgeCommand.Reply r) {
            answer(r.id(), Wire.Answer.ok(r.payload()));
        } else if (command instanceof BridgeCommand.ReplyError r) {
            answer(r.id(), Wire.Answer.error(r.reason()));
        } else if (command instanceof BridgeCommand.HttpReply r) {
            CompletableFuture<HttpResponse> f = http.remove(r.id());
            if (f == null) {
                log.line("the app answered HTTP request " + r.id() + ", which nobody waits for");
            } else {
                f.complete(r.response());
            }
        } else if (command instanceof BridgeCommand.Log l) {
            log.line("app: " + l.message());
        }
    }

    private void answer(long id, Wire.Answer a) {
        Incoming in = incoming.remove(id);
        if (in == null) {
            log.line("the app replied to request " + id + ", which nobody waits for");
        } else {
            in.responder.answer(a);
        }
    }

    private void request(BridgeCommand.Request r) {
        NodeId self = engine.self();
        long millis = Math.max(1, Math.min(r.timeoutMillis(), MAX_REQUEST_TIMEOUT.toMillis()));
        if (r.to().equals(self.hex())) {
            MemberRef me = engine.ref(name, self);
            receive(me, r.topic(), r.payload(), a -> deliver(a.ok()
                    ? new BridgeEvent.Reply(r.id(), me, a.payload() == null ? new byte[0] : a.payload())
                    : new BridgeEvent.RequestFailed(r.id(), a.error())));
            return;
        }
        NodeId to = parse(r.to());
        MemberRef toRef = engine.ref(name, to);
        engine.request(name, to, Wire.REQUEST, Wire.encode(new Wire.Envelope(r.topic(), r.payload())),
                Duration.ofMillis(millis)).whenComplete((reply, e) -> {
                    if (e != null) {
                        deliver(new BridgeEvent.RequestFailed(r.id(), message(e)));
                        return;
                    }
                    try {
                        Wire.Answer a = Wire.decode(reply.payload(), Wire.Answer.class);
                        deliver(a.ok() ? new BridgeEvent.Reply(r.id(), toRef, a.payload() == null ? new byte[0]
                                : a.payload()) : new BridgeEvent.RequestFailed(r.id(), String.valueOf(a.error())));
                    } catch (IOException x) {
                        engine.countMalformed(reply, x);
                        deliver(new BridgeEvent.RequestFailed(r.id(), "malformed reply: " + x.getMessage()));
                    }
                });
    }

    private static NodeId parse(String hex) {
        try {
            return new NodeId(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a member id: " + hex);
        }
    }

    // ------------------------------------------------------------------ helpers

    static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException || t instanceof UncheckedIOException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    static String shortId(String id) {
        return id == null ? "-" : id.length() > 12 ? id.substring(0, 12) : id;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
