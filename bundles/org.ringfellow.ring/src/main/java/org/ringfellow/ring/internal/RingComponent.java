package org.ringfellow.ring.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.ServiceReference;
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

/**
 * The Ring service of a Karaf node: binds the sockets from configuration, joins the seeds,
 * advertises the node's resources and the drivers and runtimes present, and tells
 * {@link RingListener} services about membership changes.
 */
@Component(service = {Ring.class, NodeListener.class}, configurationPid = "org.ringfellow.ring",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = RingConfiguration.class)
public final class RingComponent implements Ring, NodeListener {

    private static final System.Logger LOG = System.getLogger(RingComponent.class.getName());
    private static final long JOIN_TIMEOUT_MILLIS = 15_000;
    private static final long LEAVE_TIMEOUT_MILLIS = 5_000;

    private final NodeService node;
    private final EventLoopGroup group;
    private final SignatureVerifier verifier = new SignatureVerifier(100_000);
    private final List<RingListener> listeners = new CopyOnWriteArrayList<>();
    // Driver and runtime types from service properties only: their classes are never loaded here.
    private final ConcurrentHashMap<ServiceReference<?>, String> drivers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ServiceReference<?>, String> runtimes = new ConcurrentHashMap<>();
    private volatile RingOptions options;
    private volatile RingRuntime runtime;
    private volatile String startProblem;
    private volatile boolean leftOnPurpose;
    private ScheduledFuture<?> joinRetry;

    @Activate
    public RingComponent(@Reference(name = "node") NodeService node, RingConfiguration config) {
        this.node = node;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("ringfellow-ring", true));
        RingOptions parsed;
        try {
            parsed = RingOptions.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "Ring configuration refused, using the defaults: " + e.getMessage());
            parsed = RingOptions.parse(Defaults.INSTANCE);
        }
        this.options = parsed;
        startRuntime();
    }

    @Modified
    void modified(RingConfiguration config) {
        RingOptions parsed;
        try {
            parsed = RingOptions.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "Ring configuration refused, keeping the last good one: " + e.getMessage());
            return;
        }
        if (parsed.equals(options)) {
            return;
        }
        LOG.log(Level.INFO, "Ring configuration changed, restarting the member: " + parsed);
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
            LOG.log(Level.INFO, "Ring member " + node.identity().id().shortId() + " listening on "
                    + runtime.address());
        } catch (IOException e) {
            runtime = null;
            startProblem = e.getMessage();
            LOG.log(Level.ERROR, "Ring member cannot start: " + e.getMessage());
            return;
        }
        if (o.joinRetrySeconds() > 0 && !o.seeds().isEmpty()) {
            joinRetry = group.scheduleWithFixedDelay(this::retryJoin, 0, o.joinRetrySeconds(), TimeUnit.SECONDS);
        } else if (!o.seeds().isEmpty()) {
            RingRuntime r = runtime;
            group.execute(() -> joinQuietly(r, o.seeds()));
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
            LOG.log(Level.DEBUG, "join retry: " + e.getMessage());
        }
    }

    private void joinQuietly(RingRuntime r, List<Endpoint> seeds) {
        try {
            r.call(s -> {
                s.join(seeds, n -> LOG.log(n > 0 ? Level.INFO : Level.DEBUG,
                        "Ring join: " + n + " of " + seeds.size() + " seeds answered"));
                return null;
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Ring join failed: " + e.getMessage());
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
                LOG.log(Level.WARNING, "Ring leave did not complete: " + e.getMessage());
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
            LOG.log(Level.WARNING, "Ring advert not refreshed: " + e.getMessage());
        }
    }

    private void dispatch(RingEvent event) {
        for (RingListener l : listeners) {
            try {
                l.ringChanged(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "RingListener " + l + " failed", e);
            }
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
            LOG.log(Level.WARNING, "service " + ref + " has no " + property + " property; not advertised");
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
    public List<Member> members() {
        return call(s -> s.members());
    }

    @Override
    public Optional<Member> member(NodeId id) {
        return call(s -> s.member(id));
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
