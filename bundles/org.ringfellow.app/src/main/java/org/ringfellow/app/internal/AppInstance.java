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
 * routing between the bridge and the app's fellowship. An explicit state machine
 * ({@link PartState}): the one field {@link #state} changes only in {@link #updateState},
 * which checks and logs each transition and publishes the status it gives, under the
 * instance's one monitor; side effects (containers, files) happen outside it. Everything it
 * needs from the engine comes through {@link AppHost}. Started on the engine's worker
 * threads; events are handed to the bridge's queue at once, in order, so messages from one
 * sender reach the app in the order sent.
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

    private final AppHost host;
    final String name;
    private final AppLog log;
    private final Path base;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Incoming> incoming = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<HttpResponse>> http = new ConcurrentHashMap<>();
    /** Every member's last status, this one's included, by node id. */
    final Map<String, MemberStatus> statuses = new ConcurrentHashMap<>();

    /** Where the part is; written only by {@link #updateState} under this instance's monitor. */
    private volatile PartState state;
    private volatile AppRecord record;
    /** Guarded by this instance's monitor: events held until the bridge opens. */
    private final List<BridgeEvent> early = new ArrayList<>();
    /** Guarded by this instance's monitor: times (System.nanoTime) of the failures still inside the window. */
    private final ArrayDeque<Long> failures = new ArrayDeque<>();
    /** Guarded by this instance's monitor: whether the part ran for the settle time since this node started it. */
    private boolean hasRun;
    /** Guarded by this instance's monitor. */
    private int restarts;
    /** Guarded by this instance's monitor. */
    private String lastFailure;

    /** A request delivered to the app, waiting for its reply. */
    private record Incoming(long deadlineNanos, Responder responder) {
    }

    private interface Responder {
        void answer(Wire.Answer answer);
    }

    AppInstance(AppHost host, String name, AppRecord record) {
        this.host = host;
        this.name = name;
        this.record = record;
        this.base = host.appsDir().resolve(name);
        this.log = new AppLog(host.appsDir().resolve(name + ".log"));
        PartState first = new PartState.Preparing("joined the app's fellowship", null, false);
        synchronized (this) {
            state = first;
            publish(first);
        }
    }

    AppRecord record() {
        return record;
    }

    AppLog log() {
        return log;
    }

    /** Where the part is now. */
    PartState state() {
        return state;
    }

    boolean connected() {
        return state.connected();
    }

    /** Whether this part's app takes HTTP now: running, connected to its bridge. */
    boolean serving() {
        PartState s = state;
        return s instanceof PartState.Running && s.connected();
    }

    /** How often this node restarted its part since it started it. */
    synchronized int restarts() {
        return restarts;
    }

    MemberStatus ownStatus() {
        return statuses.get(host.self().hex());
    }

    // ------------------------------------------------------------------ the state machine

    /**
     * Moves the part from {@code from} (the state the caller saw) to {@code next}: refused if
     * the part is no longer in {@code from} or the transition is not allowed. Logs the
     * transition and publishes the status it gives.
     *
     * @return true if the part is now in {@code next}
     */
    synchronized boolean updateState(PartState from, PartState next) {
        if (state != from || !from.mayBecome(next)) {
            LOG.debug("App {}: {} -> {} refused (now {})", name, from.label(), next.label(), state.label());
            return false;
        }
        if (next.bridge() != null && from.bridge() == null) {
            // the bridge just opened: the app hears that it started, then what came meanwhile, in order
            next.bridge().deliver(started());
            for (BridgeEvent e : early) {
                next.bridge().deliver(e);
            }
            early.clear();
        }
        if (!from.label().equals(next.label())) {
            LOG.debug("App {}: {} -> {}", name, from.label(), next.label());
        }
        // the status first: whoever sees the new state sees its status too
        publish(next);
        state = next;
        return true;
    }

    /** The member status a state gives, published when it differs from the last one; under the monitor. */
    private void publish(PartState s) {
        MemberStatus m = new MemberStatus(host.self().hex(), host.nodeName(), s.containerId(), s.driver(),
                s.appState(), message(s));
        MemberStatus before = statuses.put(m.node(), m);
        if (!m.equals(before)) {
            host.publishStatus(m);
        }
    }

    private String message(PartState s) {
        if (s instanceof PartState.Preparing p) {
            return p.step();
        }
        if (s instanceof PartState.Starting st) {
            return "container " + shortId(st.containerId()) + " on " + st.driver() + ", waiting for the app to connect";
        }
        if (s instanceof PartState.Running r) {
            int n;
            String last;
            synchronized (this) {
                n = restarts;
                last = lastFailure;
            }
            return "running in container " + shortId(r.containerId()) + " on " + r.driver()
                    + (n == 0 ? "" : "; restarted " + n + " time(s), last after: " + last);
        }
        if (s instanceof PartState.Restarting r) {
            return r.reason();
        }
        if (s instanceof PartState.Failed f) {
            return f.reason();
        }
        return ((PartState.Stopped) s).why();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Fetches what is missing, prepares the runtime and starts the container. Runs on a worker thread. */
    void start() {
        PartState s = state;
        if (!(s instanceof PartState.Preparing)) {
            return;
        }
        String stage = "reading the app's record";
        boolean obtaining = true;
        try {
            AppRecord r = record != null ? record : host.fetchRecord();
            record = r;
            AppDescriptor d = r.descriptor();
            stage = "fetching the artifact";
            if (!host.hasArtifact(r.digest())) {
                PartState fetching = new PartState.Preparing("fetching the artifact (" + r.length() + " bytes)",
                        null, false);
                if (!updateState(s, fetching)) {
                    return;
                }
                s = fetching;
                host.fetchArtifact(r);
            }
            obtaining = false;
            host.saveRecord(r);
            stage = "finding the runtime";
            ApplicationRuntime runtime = host.runtime(d.runtime()).orElseThrow(() -> new IllegalStateException(
                    "runtime '" + d.runtime() + "' is not installed on this node: feature:install "
                            + ApplicationRuntime.featureFor(d.runtime())));
            runtime.check(d);
            stage = "preparing the container";
            deleteTree(base);
            Path bridgeDir = Files.createDirectories(base.resolve("b"));
            Path workDir = Files.createDirectories(base.resolve("w"));
            RuntimePlan plan = runtime.prepare(new RuntimeLaunch(d, host.artifact(r.digest()), bridgeDir,
                    workDir, containerName()));
            stage = "opening the bridge";
            NodeBridge b = NodeBridge.open(bridgeDir, plan.transport(), BridgeLimits.DEFAULTS, new Listener());
            PartState.Preparing p = (PartState.Preparing) s;
            PartState opened = new PartState.Preparing(p.step(), b, false);
            if (!updateState(s, opened)) {
                // stopped meanwhile
                b.close();
                return;
            }
            stage = "starting the container";
            ContainerInfo info = host.containers().run(plan.container());
            record = r.withContainer(info.id());
            host.saveRecord(record);
            log.line("container " + info.id() + " started on " + info.driverType());
            // with the bridge's connected(): whichever comes second says RUNNING
            while (true) {
                PartState now = state;
                if (!(now instanceof PartState.Preparing pr)) {
                    // stopped (or failed) while the container started: remove what was made
                    release(new PartState.Starting(b, info.id(), info.driverType()));
                    return;
                }
                PartState next = pr.connected()
                        ? new PartState.Running(b, info.id(), info.driverType(), System.nanoTime(), true)
                        : new PartState.Starting(b, info.id(), info.driverType());
                if (updateState(now, next)) {
                    break;
                }
            }
            host.execute(() -> watch(info.id()));
        } catch (Exception e) {
            String reason = stage + " failed: " + message(e);
            log.line(reason);
            failed(reason, null);
            if (obtaining && e instanceof IOException && state instanceof PartState.Failed) {
                // nobody gave it what it needs: this seat can never run the app
                log.line("no member could give this node what its part needs; giving this node's seat up");
                host.unobtainable(reason);
            }
        }
    }

    /**
     * A part that has run (see {@link #hasRun}) and then failed is restarted after the policy's
     * backoff, or, after too many failures within its window, this node gives its seat up. A part
     * that fails before it has ever run is FAILED (a deploy then fails with the reason). Either
     * way it gives up its container and bridge.
     *
     * @param containerId the container whose end this is, or null for a failure to start
     */
    void failed(String reason, String containerId) {
        long now = System.nanoTime();
        RestartPolicy p = host.restartPolicy();
        PartState before;
        PartState next;
        int recent = 0;
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        synchronized (this) {
            before = state;
            if (before instanceof PartState.Stopped || before instanceof PartState.Failed
                    || before instanceof PartState.Restarting
                    || (containerId != null && !containerId.equals(before.containerId()))) {
                // stopping, already handled, or the end of a container this part no longer runs
                return;
            }
            if (before instanceof PartState.Running r && now - r.sinceNanos() >= host.settle().toNanos()) {
                hasRun = true;
            }
            if (!hasRun) {
                next = new PartState.Failed(reason);
            } else {
                while (!failures.isEmpty() && now - failures.peekFirst() > p.window().toNanos()) {
                    failures.removeFirst();
                }
                failures.addLast(now);
                recent = failures.size();
                lastFailure = shortReason;
                if (recent > p.maxRestarts()) {
                    next = new PartState.Failed("failed " + recent + " time(s) within " + p.window().toSeconds()
                            + " s (last: " + shortReason + "); this node gives its seat up");
                } else {
                    next = new PartState.Restarting("restarting in " + p.backoffAfter(recent).toMillis()
                            + " ms (failure " + recent + " within " + p.window().toSeconds() + " s; more than "
                            + p.maxRestarts() + " gives the seat up) after: " + shortReason);
                }
            }
            // holding the monitor, from a state that may fail: this cannot be refused
            updateState(before, next);
        }
        release(before);
        if (next instanceof PartState.Restarting r) {
            log.line(r.reason());
            LOG.info("App {}: {}", name, r.reason());
            if (!host.later(p.backoffAfter(recent), this::restart)) {
                updateState(next, new PartState.Failed(reason));
            }
        } else if (recent > 0) {
            String why = "failed " + recent + " time(s) within " + p.window().toSeconds() + " s (last: " + shortReason
                    + ")";
            log.line(why + "; giving this node's seat up");
            if (!host.giveUp(why)) {
                String kept = why + "; not restarted again, and this node, the app's only member, keeps its seat "
                        + "(app:undeploy it)";
                log.line(kept);
                updateState(next, new PartState.Failed(kept));
            }
        }
    }

    /** After the backoff: starts the part again, unless it was stopped meanwhile. */
    void restart() {
        int n;
        synchronized (this) {
            PartState s = state;
            if (!(s instanceof PartState.Restarting)) {
                return;
            }
            n = restarts + 1;
            restarts = n;
            updateState(s, new PartState.Preparing("restart " + n + ": starting the container again", null, false));
        }
        host.restarted();
        log.line("restart " + n + " of this part");
        LOG.info("App {}: restarting this node's part (restart {})", name, n);
        start();
    }

    private String containerName() {
        return containerName(name, host.self());
    }

    /** The name (and id) of {@code node}'s container for its part of {@code app}: one per app and node. */
    static String containerName(String app, NodeId node) {
        return "app-" + app + "-" + node.hex().substring(0, 8);
    }

    private BridgeEvent.Started started() {
        List<MemberRef> members = host.members();
        return new BridgeEvent.Started(name, host.ref(host.self()), members,
                host.coordinator().map(NodeId::hex).orElse(host.self().hex()));
    }

    /** Waits for the container to end; an end the engine did not ask for is a failure. */
    private void watch(String id) {
        try {
            Optional<ExitStatus> exit = host.containers().waitFor(id, Duration.ofDays(3650));
            if (state instanceof PartState.Stopped || exit.isEmpty()) {
                return;
            }
            ExitStatus x = exit.get();
            copyContainerLog(id);
            String reason = "the app exited with code " + x.exitCode() + (x.signal() != 0 ? " (signal " + x.signal() + ")"
                    : "") + (x.oomKilled() ? " (killed: out of memory)" : "");
            log.line(reason);
            failed(reason, id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (DriverException | RuntimeException e) {
            if (!(state instanceof PartState.Stopped)) {
                log.line("lost track of container " + id + ": " + message(e));
            }
        }
    }

    private void copyContainerLog(String id) {
        try {
            var chunk = host.containers().logs(id, 0, 16 * 1024);
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
        PartState before;
        do {
            before = state;
            if (before instanceof PartState.Stopped) {
                return;
            }
        } while (!updateState(before, new PartState.Stopped(why)));
        log.line("stopping: " + why);
        NodeBridge b = before.bridge();
        String id = before.containerId();
        if (b != null && id != null && before.connected()) {
            b.deliver(new BridgeEvent.Stopped());
            try {
                host.containers().waitFor(id, Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (DriverException | RuntimeException e) {
                // stopped below
            }
        }
        release(before);
    }

    /** Gives up what a part held in the state it left: its container, its bridge, pending requests, its files. */
    private void release(PartState held) {
        String id = held.containerId();
        if (id != null) {
            try {
                if (host.containers().get(id).isPresent()) {
                    host.containers().stop(id, Duration.ofSeconds(2));
                    host.containers().destroy(id);
                }
            } catch (DriverException | RuntimeException e) {
                log.line("could not remove container " + id + " now (" + message(e) + "); it is removed as soon as "
                        + "its driver can");
                host.removeLater(id);
            }
            AppRecord r = record;
            if (r != null && host.hasRecord()) {
                record = r.withContainer(null);
                host.saveRecord(record);
            }
        }
        NodeBridge b = held.bridge();
        if (b != null) {
            b.close();
        }
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
        Files.deleteIfExists(host.appsDir().resolve(name + ".log"));
    }

    // ------------------------------------------------------------------ events from the fellowship

    /** Hands an event to the app; held while there is no bridge (preparing, restarting, failed), dropped once stopped. */
    synchronized boolean deliver(BridgeEvent event) {
        NodeBridge b = state.bridge();
        if (b == null) {
            if (state instanceof PartState.Stopped || early.size() >= MAX_EARLY) {
                return false;
            }
            early.add(event);
            return true;
        }
        return b.deliver(event);
    }

    void onMessage(FellowshipMessage m, MemberRef from) {
        try {
            Wire.Envelope env = Wire.decode(m.payload(), Wire.Envelope.class);
            if (!deliver(new BridgeEvent.Message(from, env.topic(), env.payload()))) {
                log.line("dropped a message from " + from.name() + ": the app's queue is full");
            }
        } catch (IOException e) {
            host.countMalformed(m, e);
        }
    }

    /** A request from a member for the app; {@code reply} sends the answer back. */
    void onRequest(FellowshipMessage m, MemberRef from, java.util.function.Consumer<byte[]> reply) {
        Wire.Envelope env;
        try {
            env = Wire.decode(m.payload(), Wire.Envelope.class);
        } catch (IOException e) {
            host.countMalformed(m, e);
            reply.accept(Wire.encode(Wire.Answer.error("malformed request: " + e.getMessage())));
            return;
        }
        receive(from, env.topic(), env.payload(), a -> reply.accept(Wire.encode(a)));
    }

    private void receive(MemberRef from, String topic, byte[] payload, Responder responder) {
        long id = ids.incrementAndGet();
        incoming.put(id, new Incoming(System.nanoTime() + INCOMING_TTL.toNanos(), responder));
        if (!deliver(new BridgeEvent.Request(id, from, topic, payload))) {
            incoming.remove(id);
            responder.answer(Wire.Answer.error("the app is not keeping up"));
        }
    }

    /**
     * A 413 for a request whose body is over what the bridge hands an app
     * ({@link BridgeLimits#maxPayloadBytes()}), else empty.
     */
    static Optional<HttpResponse> refuseBody(String app, HttpRequest request) {
        int max = BridgeLimits.DEFAULTS.maxPayloadBytes();
        if (request.body().length <= max) {
            return Optional.empty();
        }
        return Optional.of(HttpResponse.text(413, "text/plain", "app " + app + ": the request body has "
                + request.body().length + " bytes, more than the " + max + " an app is handed\n"));
    }

    /**
     * An HTTP request for the app on this member (the coordinator, or any running member of an
     * app whose HTTP is stateless). The answer names this node ({@link #SERVED_BY}); a
     * {@link Wire#NOT_SERVING} header the app set is dropped, since only engines may say that.
     */
    CompletableFuture<HttpResponse> http(HttpRequest request) {
        return answer(request).thenApply(this::servedHere);
    }

    /** The response header that names the node whose app answered: its name and short id, {@code calc-1 (3fa2b1c4d5e6)}. */
    static final String SERVED_BY = "X-Ringfellow-Served-By";

    private HttpResponse servedHere(HttpResponse r) {
        if (r == null) {
            return null;
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        r.headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase(SERVED_BY) && !k.equalsIgnoreCase(Wire.NOT_SERVING)) {
                headers.put(k, v);
            }
        });
        headers.put(SERVED_BY, host.nodeName() + " (" + host.self().shortId() + ")");
        return new HttpResponse(r.status(), headers, r.body());
    }

    private CompletableFuture<HttpResponse> answer(HttpRequest request) {
        Optional<HttpResponse> refused = refuseBody(name, request);
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
        }
        MemberStatus own = ownStatus();
        boolean connected = state.connected();
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
        boolean delivered;
        try {
            delivered = deliver(new BridgeEvent.Http(id, request));
        } catch (IllegalArgumentException e) {
            // a field beyond the bridge's bounds (a header value over 8 KiB, say): the app never sees it
            http.remove(id);
            return CompletableFuture.completedFuture(HttpResponse.text(400, "text/plain",
                    "app " + name + ": the request cannot be handed to the app: " + e.getMessage() + "\n"));
        }
        if (!delivered) {
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
                PartState s = state;
                if (s instanceof PartState.Preparing p && p.bridge() != null && !p.connected()) {
                    updateState(s, new PartState.Preparing(p.step(), p.bridge(), true));
                } else if (s instanceof PartState.Starting st) {
                    updateState(s, new PartState.Running(st.bridge(), st.containerId(), st.driver(), System.nanoTime(),
                            true));
                } else if (s instanceof PartState.Running r && !r.connected()) {
                    updateState(s, new PartState.Running(r.bridge(), r.containerId(), r.driver(), r.sinceNanos(), true));
                }
            }
        }

        @Override
        public void disconnected(String reason) {
            boolean stopped;
            synchronized (AppInstance.this) {
                PartState s = state;
                stopped = s instanceof PartState.Stopped;
                if (s instanceof PartState.Preparing p && p.connected()) {
                    updateState(s, new PartState.Preparing(p.step(), p.bridge(), false));
                } else if (s instanceof PartState.Running r && r.connected()) {
                    updateState(s, new PartState.Running(r.bridge(), r.containerId(), r.driver(), r.sinceNanos(),
                            false));
                }
            }
            if (!stopped) {
                log.line("the app disconnected: " + reason);
            }
        }

        @Override
        public void malformed(String reason) {
            log.line("dropped a malformed line from the app: " + reason);
        }
    }

    private void handle(BridgeCommand command) {
        NodeId self = host.self();
        if (command instanceof BridgeCommand.Send s) {
            if (s.to().equals(self.hex())) {
                deliver(new BridgeEvent.Message(host.ref(self), s.topic(), s.payload()));
            } else {
                host.send(parse(s.to()), Wire.MESSAGE, Wire.encode(new Wire.Envelope(s.topic(), s.payload())));
            }
        } else if (command instanceof BridgeCommand.Broadcast b) {
            host.broadcast(Wire.MESSAGE, Wire.encode(new Wire.Envelope(b.topic(), b.payload())));
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
        NodeId self = host.self();
        long millis = Math.max(1, Math.min(r.timeoutMillis(), MAX_REQUEST_TIMEOUT.toMillis()));
        if (r.to().equals(self.hex())) {
            MemberRef me = host.ref(self);
            receive(me, r.topic(), r.payload(), a -> deliver(a.ok()
                    ? new BridgeEvent.Reply(r.id(), me, a.payload() == null ? new byte[0] : a.payload())
                    : new BridgeEvent.RequestFailed(r.id(), a.error())));
            return;
        }
        NodeId to = parse(r.to());
        MemberRef toRef = host.ref(to);
        host.request(to, Wire.REQUEST, Wire.encode(new Wire.Envelope(r.topic(), r.payload())),
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
                        host.countMalformed(reply, x);
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
