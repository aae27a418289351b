package org.ringfellow.ring.internal;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;
import org.ringfellow.ring.internal.discovery.Discovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ring service of a Karaf node: binds the sockets from configuration, joins the seeds,
 * advertises the node's resources and the drivers and runtimes present, and tells
 * {@link RingListener} services about membership changes.
 */
@Component(service = Ring.class, configurationPid = "org.ringfellow.ring",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = RingConfiguration.class)
public final class RingComponent implements Ring, NodeListener {

    private static final Logger LOG = LoggerFactory.getLogger(RingComponent.class);
    private static final long JOIN_TIMEOUT_MILLIS = 15_000;
    private static final long LEAVE_TIMEOUT_MILLIS = 5_000;
    private static final long DROP_REPORT_SECONDS = 60;
    private static final long START_RETRY_SECONDS = 5;

    private final NodeService node;
    private final EventLoopGroup group;
    private final SignatureVerifier verifier = new SignatureVerifier(100_000);
    private final List<RingListener> listeners = new CopyOnWriteArrayList<>();
    // Driver and runtime types from service properties only: their classes are never loaded here.
    private final ConcurrentHashMap<ServiceReference<?>, String> drivers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ServiceReference<?>, String> runtimes = new ConcurrentHashMap<>();
    private final ServiceRegistration<NodeListener> nodeListener;
    private volatile RingOptions options;
    private volatile RingRuntime runtime;
    private volatile String startProblem;
    private volatile boolean leftOnPurpose;
    private ScheduledFuture<?> joinRetry;
    private volatile Map<String, Long> lastDrops = Map.of();

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
        RingOptions parsed;
        try {
            parsed = RingOptions.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Ring configuration refused, using the defaults: {}", e.getMessage());
            parsed = RingOptions.parse(Defaults.INSTANCE);
        }
        this.options = parsed;
        startRuntime();
        group.scheduleWithFixedDelay(this::reportDrops, DROP_REPORT_SECONDS, DROP_REPORT_SECONDS, TimeUnit.SECONDS);
        this.nodeListener = context == null ? null : context.registerService(NodeListener.class, this, null);
    }

    /** Outside OSGi (tests). */
    RingComponent(NodeService node, RingConfiguration config) {
        this(null, node, config);
    }

    @Modified
    void modified(RingConfiguration config) {
        RingOptions parsed;
        try {
            parsed = RingOptions.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Ring configuration refused, keeping the last good one: {}", e.getMessage());
            return;
        }
        RingOptions previous = options;
        if (parsed.equals(previous)) {
            return;
        }
        if (parsed.sameSockets(previous)) {
            // Seeds and timings only: no leave, no new life; the member keeps its address and view.
            LOG.info("Ring configuration changed, applied in place: {}", parsed);
            applyInPlace(parsed);
            return;
        }
        LOG.info("Ring address changed, the member leaves and starts again: {}", parsed);
        List<Endpoint> known = aliveAddresses();
        stopRuntime(true);
        options = parsed;
        startRuntime();
        RingRuntime r = runtime;
        if (r != null && !known.isEmpty()) {
            group.execute(() -> joinQuietly(r, known));
        }
    }

    @Deactivate
    void deactivate() {
        if (nodeListener != null) {
            try {
                nodeListener.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        stopRuntime(true);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    private synchronized void startRuntime() {
        RingOptions o = options;
        try {
            runtime = RingRuntime.start(group.next(), o.protocol(), node.identity(), node.name(), advert(),
                    o.bindHost(), o.port(), o.effectiveAdvertiseHost(), o.advertisePort(), verifier, this::dispatch);
            startProblem = null;
            leftOnPurpose = false;
            LOG.info("Ring member {} listening on {}, incarnation {}", node.identity().id().shortId(),
                    runtime.address(), incarnation(runtime));
        } catch (IOException e) {
            runtime = null;
            startProblem = e.getMessage();
            LOG.error("Ring member cannot start, trying again in {} s: {}", START_RETRY_SECONDS, e.getMessage());
            if (!group.isShuttingDown()) {
                joinRetry = group.schedule(this::retryStart, START_RETRY_SECONDS, TimeUnit.SECONDS);
            }
            return;
        }
        lastDrops = Map.of();
        scheduleJoins(o, runtime);
    }

    private synchronized void applyInPlace(RingOptions o) {
        options = o;
        RingRuntime r = runtime;
        if (r == null) {
            if (!leftOnPurpose) {
                stopRuntime(false);
                startRuntime();
            }
            return;
        }
        try {
            r.call(s -> {
                s.reconfigure(o.protocol());
                return null;
            });
        } catch (IOException e) {
            LOG.warn("Ring timings not applied: {}", e.getMessage());
        }
        scheduleJoins(o, r);
    }

    /** Joins the seeds now, and again while this member knows no one else alive (seeds may start later). */
    private synchronized void scheduleJoins(RingOptions o, RingRuntime r) {
        if (joinRetry != null) {
            joinRetry.cancel(false);
            joinRetry = null;
        }
        if (o.joinRetrySeconds() > 0 && !o.seeds().isEmpty()) {
            joinRetry = group.scheduleWithFixedDelay(this::retryJoin, 0, o.joinRetrySeconds(), TimeUnit.SECONDS);
        } else if (!o.seeds().isEmpty()) {
            group.execute(() -> joinQuietly(r, o.seeds()));
        }
    }

    /** After a failed start (the port taken, say), tries again rather than stay out of the Ring for good. */
    private synchronized void retryStart() {
        if (runtime == null && !leftOnPurpose && !group.isShuttingDown()) {
            startRuntime();
        }
    }

    /** Keeps trying the seeds while this member knows no one else alive (seeds may start later). */
    private void retryJoin() {
        RingRuntime r = runtime;
        if (r == null || leftOnPurpose) {
            return;
        }
        try {
            if (r.call(s -> s.running() && s.countInState(MemberState.ALIVE) <= 1)) {
                joinQuietly(r, options.seeds());
            }
        } catch (IOException e) {
            LOG.debug("Ring join retry: {}", e.getMessage());
        }
    }

    private void joinQuietly(RingRuntime r, List<Endpoint> seeds) {
        try {
            r.call(s -> {
                s.join(seeds, n -> {
                    if (n > 0) {
                        LOG.info("Ring join: {} of {} seeds answered", n, seeds.size());
                    } else {
                        LOG.debug("Ring join: none of the seeds {} answered", seeds);
                    }
                });
                return null;
            });
        } catch (IOException e) {
            LOG.warn("Ring join failed: {}", e.getMessage());
        }
    }

    private synchronized void stopRuntime(boolean leave) {
        if (joinRetry != null) {
            joinRetry.cancel(false);
            joinRetry = null;
        }
        RingRuntime r = runtime;
        runtime = null;
        if (r == null) {
            return;
        }
        if (leave) {
            try {
                r.leave(LEAVE_TIMEOUT_MILLIS);
            } catch (IOException e) {
                LOG.warn("Ring leave did not complete: {}", e.getMessage());
            }
        }
        r.stop();
    }

    private List<Endpoint> aliveAddresses() {
        List<Endpoint> out = new ArrayList<>();
        RingRuntime r = runtime;
        if (r == null) {
            return out;
        }
        try {
            NodeId self = node.identity().id();
            for (Member m : r.call(s -> s.members())) {
                if (m.state() == MemberState.ALIVE && !m.id().equals(self)) {
                    out.add(m.address());
                    if (out.size() >= 8) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            // A stopped member knows no one.
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
        if (!group.isShuttingDown()) {
            group.execute(this::refreshAdvertNow);
        }
    }

    private void refreshAdvertNow() {
        RingRuntime r = runtime;
        if (r == null) {
            return;
        }
        ResourceAdvert a = advert();
        String name = node.name();
        try {
            r.call(s -> {
                s.updateAdvert(name, a);
                return null;
            });
        } catch (IOException e) {
            LOG.warn("Ring advert not refreshed: {}", e.getMessage());
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
        Map<String, Long> now;
        try {
            now = r.call(s -> s.counters().drops());
        } catch (IOException e) {
            return;
        }
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

    private RingRuntime running() {
        RingRuntime r = runtime;
        if (r == null) {
            throw new IllegalStateException(leftOnPurpose ? "this node has left the Ring (ring:join to rejoin)"
                    : "the Ring member is not running: " + Optional.ofNullable(startProblem).orElse("stopped"));
        }
        return r;
    }

    private <T> T call(java.util.function.Function<org.ringfellow.ring.internal.membership.Swim, T> f) {
        try {
            return running().call(f);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public Member self() {
        return call(s -> s.self());
    }

    @Override
    public org.ringfellow.api.ring.RingView view() {
        RingRuntime r = runtime;
        if (r == null) {
            return org.ringfellow.api.ring.RingView.EMPTY;
        }
        try {
            return r.call(s -> org.ringfellow.api.ring.RingView.of(s.incarnation(), s.self(), s.members()));
        } catch (IOException | RuntimeException e) {
            return org.ringfellow.api.ring.RingView.EMPTY;
        }
    }

    @Override
    public void join(List<Endpoint> seeds) throws RingException {
        if (seeds.isEmpty()) {
            throw new RingException("give at least one seed as host:port");
        }
        RingRuntime r;
        synchronized (this) {
            if (runtime == null || !isRunning(runtime)) {
                stopRuntime(false);
                startRuntime();
            }
            r = runtime;
        }
        if (r == null) {
            throw new RingException("the Ring member cannot start: " + startProblem);
        }
        try {
            int answered = r.join(seeds, JOIN_TIMEOUT_MILLIS);
            if (answered == 0) {
                throw new RingException("no seed answered: " + seeds);
            }
        } catch (IOException e) {
            throw new RingException("join failed: " + e.getMessage(), e);
        }
    }

    private static long incarnation(RingRuntime r) {
        try {
            return r.call(s -> s.incarnation());
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean isRunning(RingRuntime r) {
        try {
            return r.call(s -> s.running());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void leave() {
        leftOnPurpose = true;
        stopRuntime(true);
    }

    @Override
    public List<Member> find(ResourceQuery query) {
        return Discovery.find(members(), query);
    }

    @Override
    public List<Member> successors(byte[] key, int k) {
        return Discovery.successors(members(), key, k);
    }

    @Override
    public RingStats stats() {
        return call(s -> s.stats());
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
