package org.ringfellow.ring.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.node.LatencyHistogram;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeListener;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.api.ring.RingException;
import org.ringfellow.api.ring.RingListener;
import org.ringfellow.api.ring.RingStats;
import org.ringfellow.api.ring.RingView;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.ring.internal.codec.MemberRecord;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;
import org.ringfellow.ring.internal.discovery.Discovery;
import org.ringfellow.ring.internal.membership.Counters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ring service of a Karaf node: binds the sockets from configuration, joins the seeds,
 * advertises the node's resources and the drivers and runtimes present, and tells
 * {@link RingListener} services about membership changes.
 *
 * <p><b>Threads.</b> The member's whole life (start, retries, reconfiguration, joins, leave,
 * advert refresh) runs on the Ring's one event loop, as tasks that never wait: binding is
 * asynchronous and a failed start is retried by a timer. Callers on other threads (SCR, the
 * configuration thread, the node's listeners) hand a task to the loop and return; nothing
 * holds a monitor, so no thread can wait for another one. Only {@link #join} and
 * {@link #leave}, whose contract is to return once done, and {@link #deactivate} wait for the
 * loop, and each refuses to run on it. Readers ({@link #view()}, {@link #members()},
 * {@link #find}, {@link #successors}, {@link #stats()}) read the protocol's published snapshot
 * and never reach the loop; a member that is not running reads as {@link RingView#EMPTY}.
 */
@Component(service = Ring.class, configurationPid = "org.ringfellow.ring",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = RingConfiguration.class)
public final class RingComponent implements Ring, NodeListener {

    private static final Logger LOG = LoggerFactory.getLogger(RingComponent.class);
    private static final long JOIN_TIMEOUT_MILLIS = 15_000;
    private static final long LEAVE_TIMEOUT_MILLIS = 5_000;
    private static final long DROP_REPORT_SECONDS = 60;
    static final long START_RETRY_SECONDS = 5;
    private static final long FIRST_START_WAIT_SECONDS = 10;

    private final NodeService node;
    private final EventLoopGroup group;
    /** The Ring's one event loop: the protocol, the sockets and this component's lifecycle. */
    private final EventLoop loop;
    private final SignatureVerifier verifier = new SignatureVerifier(100_000);
    private final List<RingListener> listeners = new CopyOnWriteArrayList<>();
    // Driver and runtime types from service properties only: their classes are never loaded here.
    private final ConcurrentHashMap<ServiceReference<?>, String> drivers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ServiceReference<?>, String> runtimes = new ConcurrentHashMap<>();
    private final ServiceRegistration<NodeListener> nodeListener;
    /** One source of view versions for every life of the member, so they keep growing across restarts. */
    private final AtomicLong versions = new AtomicLong();
    // Written on the loop only; volatile for the readers on other threads.
    private volatile RingOptions options;
    private volatile RingRuntime runtime;
    private volatile String startProblem;
    private volatile boolean leftOnPurpose;
    private volatile boolean closed;
    // Loop only.
    private boolean starting;
    private ScheduledFuture<?> joinRetry;
    private ScheduledFuture<?> startRetry;
    private final List<CompletableFuture<RingRuntime>> waitingForStart = new ArrayList<>();
    private Map<String, Long> lastDrops = Map.of();

    /**
     * @param context where this component registers itself as a {@link NodeListener} once it
     *     exists; null outside OSGi (tests). Not a DS-provided service: the node component binds
     *     every NodeListener while it is created, and creating this component needs the node
     *     service, so SCR would meet a cycle (ServiceFactory.getService() resulted in a cycle)
     *     and, depending on which of the two started first, leave the Ring never activated on
     *     that node: the integration tests' "one node is never seen by the others".
     */
    @Activate
    public RingComponent(BundleContext context, @Reference(name = "node") NodeService node,
            RingConfiguration config) {
        this.node = node;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("ringfellow-ring", true));
        this.loop = group.next();
        RingOptions parsed;
        try {
            parsed = RingOptions.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Ring configuration refused, using the defaults: {}", e.getMessage());
            parsed = RingOptions.parse(Defaults.INSTANCE);
        }
        this.options = parsed;
        // The first attempt is awaited, bounded, so that a node whose port is free is on the Ring
        // once activated, as before. SCR's thread waits for this component's own loop, which
        // waits for nothing; a failed attempt is retried on the loop while activation returns.
        CompletableFuture<RingRuntime> first = new CompletableFuture<>();
        loop.execute(() -> ensureStarted().whenComplete((r, e) -> first.complete(r)));
        try {
            first.get(FIRST_START_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Ring member not started within {} s; it keeps trying", FIRST_START_WAIT_SECONDS);
        }
        loop.scheduleWithFixedDelay(this::reportDrops, DROP_REPORT_SECONDS, DROP_REPORT_SECONDS, TimeUnit.SECONDS);
        this.nodeListener = context == null ? null : context.registerService(NodeListener.class, this, null);
    }

    /** Outside OSGi (tests). */
    RingComponent(NodeService node, RingConfiguration config) {
        this(null, node, config);
    }

    /** Parses on the configuration thread, applies on the loop, and returns without waiting for it. */
    @Modified
    void modified(RingConfiguration config) {
        RingOptions parsed;
        try {
            parsed = RingOptions.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Ring configuration refused, keeping the last good one: {}", e.getMessage());
            return;
        }
        onLoop(() -> apply(parsed));
    }

    private void apply(RingOptions parsed) {
        RingOptions previous = options;
        if (parsed.equals(previous)) {
            return;
        }
        options = parsed;
        if (parsed.sameSockets(previous)) {
            // Seeds and timings only: no leave, no new life; the member keeps its address and view.
            LOG.info("Ring configuration changed, applied in place: {}", parsed);
            RingRuntime r = runtime;
            if (r != null) {
                r.swim().reconfigure(parsed.protocol());
                scheduleJoins(parsed, r);
            } else if (!leftOnPurpose) {
                startRuntime();
            }
            return;
        }
        LOG.info("Ring address changed, the member leaves and starts again: {}", parsed);
        List<Endpoint> known = aliveAddresses();
        boolean wasRunning = runtime != null || starting;
        stopRuntime(true, () -> {
            if (leftOnPurpose && !wasRunning) {
                return;
            }
            ensureStarted().thenAccept(r -> {
                if (!known.isEmpty()) {
                    joinQuietly(r, known);
                }
            });
        });
    }

    @Deactivate
    void deactivate() {
        closed = true;
        if (nodeListener != null) {
            try {
                nodeListener.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        if (!loop.inEventLoop()) {
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            onLoop(() -> stopRuntime(true, () -> stopped.complete(null)));
            try {
                stopped.get(LEAVE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("Ring leave did not complete: {}", e.toString());
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on the loop: now if already there, else later; never waits. */
    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else if (!loop.isShuttingDown()) {
            loop.execute(task);
        }
    }

    /** Binds and starts the member (loop only); the outcome arrives on the loop, nothing waits. */
    private void startRuntime() {
        if (runtime != null || starting || closed) {
            return;
        }
        cancelStartRetry();
        starting = true;
        RingOptions o = options;
        RingRuntime.startAsync(loop, o.protocol(), node.identity(), node.name(), advert(), o.bindHost(), o.port(),
                o.effectiveAdvertiseHost(), o.advertisePort(), verifier, this::dispatch, versions::incrementAndGet)
                .whenComplete((r, e) -> onLoop(() -> started(o, r, e)));
    }

    private void started(RingOptions o, RingRuntime r, Throwable error) {
        starting = false;
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            startProblem = cause.getMessage();
            failWaiters(cause);
            if (closed) {
                return;
            }
            LOG.error("Ring member cannot start, trying again in {} s: {}", START_RETRY_SECONDS, startProblem);
            startRetry = loop.schedule(this::retryStart, START_RETRY_SECONDS, TimeUnit.SECONDS);
            return;
        }
        if (closed) {
            r.stop();
            failWaiters(new IOException("the Ring component stopped"));
            return;
        }
        if (!o.sameSockets(options)) {
            // The address changed while this one was binding: start again on the new one.
            r.stop();
            startRuntime();
            return;
        }
        runtime = r;
        startProblem = null;
        lastDrops = Map.of();
        LOG.info("Ring member {} listening on {}, incarnation {}", node.identity().id().shortId(), r.address(),
                r.swim().incarnation());
        List<CompletableFuture<RingRuntime>> waiting = new ArrayList<>(waitingForStart);
        waitingForStart.clear();
        waiting.forEach(f -> f.complete(r));
        if (!leftOnPurpose) {
            scheduleJoins(options, r);
        }
    }

    private void failWaiters(Throwable cause) {
        List<CompletableFuture<RingRuntime>> waiting = new ArrayList<>(waitingForStart);
        waitingForStart.clear();
        waiting.forEach(f -> f.completeExceptionally(cause));
    }

    /** @return the running member, once started (loop only; completes on the loop) */
    private CompletableFuture<RingRuntime> ensureStarted() {
        RingRuntime r = runtime;
        if (r != null && r.swim().running()) {
            return CompletableFuture.completedFuture(r);
        }
        if (r != null) {
            runtime = null;
            r.stop();
        }
        CompletableFuture<RingRuntime> f = new CompletableFuture<>();
        waitingForStart.add(f);
        startRuntime();
        return f;
    }

    private void cancelStartRetry() {
        if (startRetry != null) {
            startRetry.cancel(false);
            startRetry = null;
        }
    }

    /** Joins the seeds now, and again while this member knows no one else alive (seeds may start later). */
    private void scheduleJoins(RingOptions o, RingRuntime r) {
        if (joinRetry != null) {
            joinRetry.cancel(false);
            joinRetry = null;
        }
        if (o.joinRetrySeconds() > 0 && !o.seeds().isEmpty()) {
            joinRetry = loop.scheduleWithFixedDelay(this::retryJoin, 0, o.joinRetrySeconds(), TimeUnit.SECONDS);
        } else if (!o.seeds().isEmpty()) {
            joinQuietly(r, o.seeds());
        }
    }

    /** After a failed start (the port taken, say), tries again rather than stay out of the Ring for good. */
    private void retryStart() {
        startRetry = null;
        if (runtime == null && !leftOnPurpose && !closed) {
            startRuntime();
        }
    }

    /** Keeps trying the seeds while this member knows no one else alive (seeds may start later). */
    private void retryJoin() {
        RingRuntime r = runtime;
        if (r == null || leftOnPurpose) {
            return;
        }
        if (r.swim().running() && r.swim().countInState(MemberState.ALIVE) <= 1) {
            joinQuietly(r, options.seeds());
        }
    }

    private void joinQuietly(RingRuntime r, List<Endpoint> seeds) {
        r.joinAsync(seeds).thenAccept(n -> {
            if (n > 0) {
                LOG.info("Ring join: {} of {} seeds answered", n, seeds.size());
            } else {
                LOG.debug("Ring join: none of the seeds {} answered", seeds);
            }
        });
    }

    /** Stops the member (loop only), announcing the departure if {@code leave}; {@code done} runs on the loop. */
    private void stopRuntime(boolean leave, Runnable done) {
        if (joinRetry != null) {
            joinRetry.cancel(false);
            joinRetry = null;
        }
        cancelStartRetry();
        RingRuntime r = runtime;
        runtime = null;
        if (r == null) {
            done.run();
            return;
        }
        if (leave) {
            r.leaveAsync(done);
        } else {
            r.stop();
            done.run();
        }
    }

    private List<Endpoint> aliveAddresses() {
        List<Endpoint> out = new ArrayList<>();
        NodeId self = node.identity().id();
        for (Member m : view().members()) {
            if (m.state() == MemberState.ALIVE && !m.id().equals(self)) {
                out.add(m.address());
                if (out.size() >= 8) {
                    break;
                }
            }
        }
        return out;
    }

    private ResourceAdvert advert() {
        // Free is what is contributed minus what the node reserved (fellowships); the node tells
        // this component (a NodeListener) when reservations change, and the advert is re-signed.
        return new ResourceAdvert(node.contributed(), node.unreserved(), new TreeSet<>(drivers.values()),
                new TreeSet<>(runtimes.values()), node.labels());
    }

    /**
     * Re-signs the advert on the Ring's own thread: callers are the node's configuration thread
     * and SCR's bind threads, which must never wait for the Ring.
     */
    private void refreshAdvert() {
        onLoop(this::refreshAdvertNow);
    }

    private void refreshAdvertNow() {
        RingRuntime r = runtime;
        if (r != null) {
            r.swim().updateAdvert(node.name(), advert());
        }
    }

    private void dispatch(RingEvent event) {
        logEvent(event);
        for (RingListener l : listeners) {
            try {
                l.ringChanged(event);
            } catch (RuntimeException e) {
                LOG.warn("RingListener {} failed", l, e);
            }
        }
    }

    private static void logEvent(RingEvent event) {
        Member m = event.member();
        switch (event.type()) {
            case UPDATED -> LOG.debug("Ring member {} ({}) at {} updated its record, incarnation {}",
                    m.id().shortId(), m.name(), m.address(), m.incarnation());
            case SUSPECTED, DEAD -> LOG.warn("Ring member {} ({}) at {} is {}, incarnation {}", m.id().shortId(),
                    m.name(), m.address(), event.type() == RingEvent.Type.DEAD ? "dead" : "suspected",
                    m.incarnation());
            default -> LOG.info("Ring member {} ({}) at {} {}, incarnation {}", m.id().shortId(), m.name(),
                    m.address(), switch (event.type()) {
                        case JOINED -> "joined";
                        case ALIVE -> "refuted its suspicion and is alive";
                        default -> "left";
                    }, m.incarnation());
        }
    }

    /** Logs the packets dropped since the last report, by reason, so operators see them in karaf.log. */
    private void reportDrops() {
        RingRuntime r = runtime;
        if (r == null) {
            return;
        }
        Map<String, Long> now = r.swim().counters().drops();
        Map<String, Long> delta = new TreeMap<>();
        now.forEach((reason, n) -> {
            long d = n - lastDrops.getOrDefault(reason, 0L);
            if (d > 0) {
                delta.put(reason, d);
            }
        });
        lastDrops = now;
        if (!delta.isEmpty()) {
            LOG.warn("Ring dropped {} messages in the last {} s, by reason: {}",
                    delta.values().stream().mapToLong(Long::longValue).sum(), DROP_REPORT_SECONDS, delta);
        }
    }

    // ------------------------------------------------------------------ whiteboard

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(RingListener listener) {
        listeners.add(listener);
    }

    void removeListener(RingListener listener) {
        listeners.remove(listener);
    }

    @Reference(service = ContainerDriver.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindDriver(ServiceReference<ContainerDriver> ref) {
        track(drivers, ref, ContainerDriver.TYPE_PROPERTY);
    }

    void updatedDriver(ServiceReference<ContainerDriver> ref) {
        track(drivers, ref, ContainerDriver.TYPE_PROPERTY);
    }

    void unbindDriver(ServiceReference<ContainerDriver> ref) {
        drivers.remove(ref);
        refreshAdvert();
    }

    @Reference(service = ApplicationRuntime.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindRuntime(ServiceReference<ApplicationRuntime> ref) {
        track(runtimes, ref, ApplicationRuntime.TYPE_PROPERTY);
    }

    void updatedRuntime(ServiceReference<ApplicationRuntime> ref) {
        track(runtimes, ref, ApplicationRuntime.TYPE_PROPERTY);
    }

    void unbindRuntime(ServiceReference<ApplicationRuntime> ref) {
        runtimes.remove(ref);
        refreshAdvert();
    }

    private void track(ConcurrentHashMap<ServiceReference<?>, String> map, ServiceReference<?> ref, String property) {
        Object type = ref.getProperty(property);
        if (type instanceof String s && !s.isBlank()) {
            map.put(ref, s.trim());
            if (s.trim().length() > MemberRecord.MAX_ADVERTISED_TYPE
                    || new TreeSet<>(map.values()).size() > MemberRecord.MAX_ADVERTISED_TYPES) {
                LOG.warn("service {}: type '{}' not advertised on the Ring, which carries at most {} types of {} "
                        + "characters each", ref, s.trim(), MemberRecord.MAX_ADVERTISED_TYPES,
                        MemberRecord.MAX_ADVERTISED_TYPE);
            }
        } else {
            map.remove(ref);
            LOG.warn("service {} has no {} property; not advertised", ref, property);
        }
        refreshAdvert();
    }

    @Override
    public void nodeChanged(NodeInfo info) {
        refreshAdvert();
    }

    // ------------------------------------------------------------------ Ring

    private String downReason() {
        return leftOnPurpose ? "this node has left the Ring (ring:join to rejoin)"
                : "the Ring member is not running: " + Optional.ofNullable(startProblem).orElse("stopped");
    }

    /**
     * {@inheritDoc} Reads the snapshot; prefer {@code view().self()}, which reads empty instead.
     *
     * @throws IllegalStateException if the member is not running (not started, retrying a failed start, or left)
     */
    @Override
    public Member self() {
        return view().self().orElseThrow(() -> new IllegalStateException(downReason()));
    }

    @Override
    public RingView view() {
        RingRuntime r = runtime;
        return r == null ? RingView.EMPTY : r.view();
    }

    @Override
    public void join(List<Endpoint> seeds) throws RingException {
        if (seeds.isEmpty()) {
            throw new RingException("give at least one seed as host:port");
        }
        if (loop.inEventLoop()) {
            throw new RingException("Ring.join waits for the seeds: it may not run on the Ring's own thread");
        }
        CompletableFuture<Integer> answered = new CompletableFuture<>();
        onLoop(() -> {
            leftOnPurpose = false;
            ensureStarted().whenComplete((r, e) -> {
                if (e != null) {
                    answered.completeExceptionally(e);
                } else {
                    r.joinAsync(seeds).thenAccept(answered::complete);
                }
            });
        });
        int n;
        try {
            n = answered.get(JOIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingException("join interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw new RingException("the Ring member cannot start: " + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RingException("join did not finish within " + JOIN_TIMEOUT_MILLIS + " ms: " + seeds, e);
        }
        if (n == 0) {
            throw new RingException("no seed answered: " + seeds);
        }
    }

    @Override
    public void leave() {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("Ring.leave waits for the departure: not on the Ring's own thread");
        }
        CompletableFuture<Void> left = new CompletableFuture<>();
        onLoop(() -> {
            leftOnPurpose = true;
            failWaiters(new IOException("this node left the Ring"));
            stopRuntime(true, () -> left.complete(null));
        });
        try {
            left.get(LEAVE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Ring leave did not complete: {}", e.toString());
        }
    }

    /** {@inheritDoc} A member that is not running finds nothing. */
    @Override
    public List<Member> find(ResourceQuery query) {
        return Discovery.find(members(), query);
    }

    /** {@inheritDoc} A member that is not running has no successors to give. */
    @Override
    public List<Member> successors(byte[] key, int k) {
        return Discovery.successors(members(), key, k);
    }

    /**
     * {@inheritDoc} Counters are thread-safe and the members by state come from the snapshot.
     *
     * @throws IllegalStateException if the member is not running
     */
    @Override
    public RingStats stats() {
        RingRuntime r = runtime;
        if (r == null) {
            throw new IllegalStateException(downReason());
        }
        return r.swim().stats();
    }

    @Override
    public LatencyHistogram.Snapshot probeRoundTrips() {
        RingRuntime r = runtime;
        return r == null ? new LatencyHistogram(Counters.PROBE_RTT_BOUNDS).snapshot() : r.swim().probeRoundTrips();
    }

    /** The annotation defaults, for when a refused configuration leaves nothing better. */
    private static final class Defaults {
        static final RingConfiguration INSTANCE = (RingConfiguration) java.lang.reflect.Proxy.newProxyInstance(
                RingConfiguration.class.getClassLoader(), new Class<?>[] {RingConfiguration.class},
                (proxy, method, args) -> method.getDefaultValue());

        private Defaults() {
        }
    }

    /** @return the driver types present, for tests */
    Set<String> driverTypes() {
        return new TreeSet<>(drivers.values());
    }
}
