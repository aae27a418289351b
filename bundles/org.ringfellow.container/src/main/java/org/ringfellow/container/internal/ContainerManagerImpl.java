package org.ringfellow.container.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ContainerStats;
import org.ringfellow.api.container.ContainerStatus;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.DriverInfo;
import org.ringfellow.api.container.ExecResult;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.LogChunk;
import org.ringfellow.api.node.LatencyHistogram;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;
import org.ringfellow.container.image.FileImageStore;

/**
 * Tracks the container drivers through the whiteboard and keeps every container's handle and
 * spec in the node store. A container is written as {@code starting} before its driver is
 * asked, so a node killed at any point finds it again on start: reconciliation adopts what the
 * engine holds of the containers that finished starting, destroys what the engine made of a
 * start the node did not see end (no caller ever got its handle), and removes what only the
 * engine holds, leaving no orphan and no duplicate.
 * Only strings are kept about a driver's containers; the driver object is held only while it
 * is bound.
 */
@Component(service = ContainerManager.class, configurationPid = ContainerManagerImpl.PID, immediate = true)
@Designate(ocd = ContainerManagerImpl.Config.class)
public final class ContainerManagerImpl implements ContainerManager {

    /** The configuration PID. */
    public static final String PID = "org.ringfellow.container";
    static final String NAMESPACE = "containers";
    static final String SETTINGS = "container-manager";
    static final String DEFAULT_KEY = "default-driver";
    private static final Logger LOG = Logger.getLogger(ContainerManagerImpl.class.getName());

    /** The manager's configuration. */
    @ObjectClassDefinition(name = "Ringfellow container manager",
            description = "How this node runs containers for the Ring.")
    public @interface Config {
        /**
         * The driver new containers use.
         *
         * @return a driver type, or empty for the first healthy driver present (runc first)
         */
        @AttributeDefinition(name = "Default driver",
                description = "Driver type for new containers (runc, lxc, docker). Empty: the first healthy one "
                        + "present, runc first. driver:use overrides it until this value changes.")
        String defaultDriver() default "";
    }

    private final NodeService node;
    private final NodeStore.Namespace records;
    private final NodeStore.Namespace settings;
    private final ImageStore images;
    private final Map<String, ContainerDriver> drivers = new ConcurrentHashMap<>();
    /** The start latency histogram's upper bounds, in seconds. */
    static final double[] START_BOUNDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    /** How long each driver took to start a container (a start that failed is not counted), by driver type. */
    private final Map<String, LatencyHistogram> startLatencies = new ConcurrentHashMap<>();
    private final Map<String, StoredContainer> containers = new ConcurrentHashMap<>();
    private final Set<String> unreconciled = ConcurrentHashMap.newKeySet();
    /**
     * The containers this manager instance is starting now: a {@code starting} record not in it
     * is a start cut by the node's death (or the manager's), which reconciliation undoes.
     */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Serialises changes of the container table; engine calls run outside it except reservations. */
    private final Object lock = new Object();
    private volatile String configuredDefault;

    /**
     * Loads the persisted containers; drivers are reconciled as they bind.
     *
     * @param node the local node
     * @param store the node's durable store
     * @param images the image store
     * @param config the configuration
     */
    @Activate
    public ContainerManagerImpl(@Reference NodeService node, @Reference NodeStore store,
            @Reference ImageStore images, Config config) {
        this.node = node;
        this.images = images;
        this.records = store.namespace(NAMESPACE);
        this.settings = store.namespace(SETTINGS);
        this.configuredDefault = config.defaultDriver().trim();
        for (Map.Entry<String, String> e : records.entries().entrySet()) {
            try {
                StoredContainer c = StoredContainer.fromJson(e.getValue());
                containers.put(c.id(), c);
            } catch (Exception ex) {
                LOG.log(Level.WARNING, "ignoring unreadable container record " + e.getKey(), ex);
            }
        }
        List<String> cut = containers.values().stream().filter(c -> StoredContainer.STARTING.equals(c.phase()))
                .map(c -> c.id() + " on " + c.driverType()).sorted().toList();
        if (!cut.isEmpty()) {
            LOG.info("starts cut when the node stopped, undone as their driver arrives: " + cut);
        }
        if (images instanceof FileImageStore fis) {
            fis.usage(this::userOf);
        }
    }

    /**
     * Creates a manager outside OSGi (driver tests, benchmarks).
     *
     * @param node the local node
     * @param store the node's durable store
     * @param images the image store
     * @param defaultDriver the driver type new containers use; empty for the first healthy one
     * @return the manager
     */
    public static ContainerManagerImpl create(NodeService node, NodeStore store, ImageStore images,
            String defaultDriver) {
        return new ContainerManagerImpl(node, store, images, new Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return Config.class;
            }

            @Override
            public String defaultDriver() {
                return defaultDriver;
            }
        });
    }

    @Modified
    void modified(Config config) {
        String next = config.defaultDriver().trim();
        if (!next.equals(configuredDefault)) {
            configuredDefault = next;
            // a new configured value is the operator's latest word, so it replaces driver:use
            settings.remove(DEFAULT_KEY);
        }
    }

    /**
     * A driver arrived: reattach its containers and remove its orphans.
     *
     * @param driver the driver
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindDriver(ContainerDriver driver, Map<String, Object> properties) {
        String type = typeOf(driver, properties);
        drivers.put(type, driver);
        LOG.info("container driver " + type + " arrived");
        reconcile(type, driver);
    }

    /**
     * A driver left: its containers keep running and are listed detached.
     *
     * @param driver the driver
     * @param properties its service properties
     */
    public void unbindDriver(ContainerDriver driver, Map<String, Object> properties) {
        String type = typeOf(driver, properties);
        // remove only this instance: a replacement of the same type may already be bound
        drivers.remove(type, driver);
        LOG.info("container driver " + type + " left; its containers keep running, detached");
    }

    private static String typeOf(ContainerDriver driver, Map<String, Object> properties) {
        Object t = properties.get(ContainerDriver.TYPE_PROPERTY);
        return t instanceof String s && !s.isBlank() ? s : driver.type();
    }

    /** Retries the reconciliation of drivers whose engine did not answer when they arrived. */
    private void retryPending() {
        for (String type : List.copyOf(unreconciled)) {
            ContainerDriver d = drivers.get(type);
            if (d == null) {
                unreconciled.remove(type);
            } else {
                reconcile(type, d);
            }
        }
    }

    /**
     * Adopts what the engine holds for this node, forgets what it lost, removes what only it
     * holds, and undoes every start that was cut.
     */
    void reconcile(String type, ContainerDriver driver) {
        String nodeId = node.identity().id().hex();
        Set<String> owned;
        try {
            owned = new HashSet<>(driver.listOwned(nodeId));
        } catch (DriverException | RuntimeException e) {
            // an engine that is down now (dockerd restarting) is asked again on the next listing
            if (unreconciled.add(type)) {
                LOG.log(Level.WARNING, "cannot list the containers of driver " + type + "; will retry", e);
            }
            return;
        }
        unreconciled.remove(type);
        boolean retry = false;
        synchronized (lock) {
            for (StoredContainer c : List.copyOf(containers.values())) {
                if (!c.driverType().equals(type)) {
                    continue;
                }
                if (StoredContainer.STARTING.equals(c.phase())) {
                    // never adopted: whoever asked for it never got an answer and starts it again
                    owned.remove(c.id());
                    if (!inFlight.contains(c.id()) && !undoCutStart(c, driver)) {
                        retry = true;
                    }
                    continue;
                }
                if (!owned.contains(c.id())) {
                    if (!c.gone()) {
                        put(c.withGone());
                    }
                    continue;
                }
                try {
                    ContainerHandle h = driver.recover(c.handle());
                    put(c.started(h));
                } catch (DriverException e) {
                    if (e.kind() == Kind.NOT_FOUND) {
                        put(c.withGone());
                    } else {
                        LOG.log(Level.WARNING, "cannot recover container " + c.id() + " on " + type, e);
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "driver " + type + " failed to recover container " + c.id(), e);
                }
            }
            for (String id : owned) {
                StoredContainer c = containers.get(id);
                if (c == null || !c.driverType().equals(type)) {
                    LOG.warning("removing orphan container " + id + " of driver " + type
                            + " (the node has no record of it)");
                    try {
                        driver.destroy(new ContainerHandle(id, type, Instant.now(), Map.of()));
                    } catch (DriverException | RuntimeException e) {
                        LOG.log(Level.WARNING, "cannot remove orphan container " + id, e);
                    }
                }
            }
        }
        if (retry && unreconciled.add(type)) {
            LOG.warning("driver " + type + " keeps a start that was cut; will try again on the next listing");
        }
    }

    /**
     * Destroys in its engine whatever a start the node did not see end made (nothing, a
     * half-made container, or a running one) and forgets its record, so that its name is free
     * again. Called with the lock held.
     *
     * @return false if the engine failed to destroy it: the record stays, to be tried again
     */
    private boolean undoCutStart(StoredContainer c, ContainerDriver driver) {
        try {
            driver.destroy(c.handle());
        } catch (DriverException e) {
            if (e.kind() != Kind.NOT_FOUND) {
                LOG.log(Level.WARNING, "cannot remove container " + c.id() + " on " + c.driverType()
                        + ", whose start was cut", e);
                return false;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "driver " + c.driverType() + " failed to remove container " + c.id()
                    + ", whose start was cut", e);
            return false;
        }
        LOG.warning("removed container " + c.id() + " on " + c.driverType() + ": its start was cut (the node "
                + "stopped before the driver answered), and it is never adopted");
        forget(c.id());
        return true;
    }

    @Override
    public List<DriverInfo> drivers() {
        Optional<String> def = defaultDriver();
        List<DriverInfo> out = new ArrayList<>();
        for (Map.Entry<String, ContainerDriver> e : new TreeMap<>(drivers).entrySet()) {
            Fingerprint f;
            try {
                f = e.getValue().fingerprint();
            } catch (RuntimeException ex) {
                f = new Fingerprint(Health.UNHEALTHY, "", "fingerprint failed: " + ex, Map.of());
            }
            out.add(new DriverInfo(e.getKey(), f, e.getValue().capabilities(),
                    def.isPresent() && def.get().equals(e.getKey())));
        }
        return out;
    }

    @Override
    public Optional<String> defaultDriver() {
        Optional<String> chosen = settings.get(DEFAULT_KEY);
        if (chosen.isPresent()) {
            return chosen;
        }
        if (!configuredDefault.isEmpty()) {
            return Optional.of(configuredDefault);
        }
        if (drivers.containsKey("runc")) {
            return Optional.of("runc");
        }
        return drivers.keySet().stream().sorted().findFirst();
    }

    @Override
    public void useDriver(String type) throws DriverException {
        if (type == null || !drivers.containsKey(type)) {
            throw new DriverException(Kind.NO_DRIVER, "no driver of type '" + type + "' is present; present: "
                    + new TreeMap<>(drivers).keySet());
        }
        settings.put(DEFAULT_KEY, type);
    }

    @Override
    public ContainerInfo run(ContainerSpec spec) throws DriverException {
        Optional<String> type = defaultDriver();
        if (type.isEmpty()) {
            throw new DriverException(Kind.NO_DRIVER, "no container driver is present on this node");
        }
        return run(spec, type.get());
    }

    @Override
    public ContainerInfo run(ContainerSpec spec, String driverType) throws DriverException {
        ContainerDriver driver = driver(driverType);
        Image image = images.find(spec.image()).orElseThrow(() -> new DriverException(Kind.INVALID_SPEC,
                "no image " + spec.image() + " in the node's image store"));
        StoredContainer record;
        synchronized (lock) {
            StoredContainer existing = containers.get(spec.name());
            if (existing != null && !existing.gone()) {
                throw new DriverException(Kind.INVALID_SPEC, "a container named " + spec.name()
                        + " already exists on driver " + existing.driverType() + "; destroy it first");
            }
            checkResources(spec);
            record = StoredContainer.starting(spec, driverType, image.name());
            inFlight.add(record.id());
            put(record);
        }
        ContainerHandle handle;
        StoredContainer started;
        long startNanos = System.nanoTime();
        try {
            try {
                handle = driver.start(spec);
                startLatencies.computeIfAbsent(driverType, t -> new LatencyHistogram(START_BOUNDS))
                        .record(System.nanoTime() - startNanos);
            } catch (DriverException | RuntimeException e) {
                synchronized (lock) {
                    forget(spec.name());
                }
                if (e instanceof DriverException de) {
                    throw de;
                }
                throw new DriverException(Kind.FAILED, "driver " + driverType + " failed: " + e, e);
            }
            started = record.started(handle);
            synchronized (lock) {
                put(started);
            }
        } finally {
            inFlight.remove(record.id());
        }
        return new ContainerInfo(started.id(), driverType, ContainerState.RUNNING, spec.image(), image.name(),
                spec.limits(), handle.startedAt(), Optional.empty());
    }

    /** Refuses a start that would take the node past what it contributes. */
    private void checkResources(ContainerSpec spec) throws DriverException {
        Resources contributed = node.contributed();
        if (spec.limits().milliCpus() == 0) {
            throw new DriverException(Kind.LIMIT_EXCEEDED, "refused " + spec.name()
                    + ": it sets no CPU limit, and this node contributes only " + contributed.milliCpus()
                    + "m CPU; give it a CPU limit");
        }
        long cpu = 0;
        long mem = 0;
        int holders = 0;
        for (StoredContainer c : containers.values()) {
            if (c.gone() || isExited(c)) {
                continue;
            }
            cpu += c.spec().milliCpus();
            mem += c.spec().memoryBytes();
            holders++;
        }
        if (cpu + spec.limits().milliCpus() > contributed.milliCpus()) {
            throw new DriverException(Kind.LIMIT_EXCEEDED, String.format(
                    "refused %s: it asks for %dm CPU, but the node contributes %dm and %d container(s) hold %dm "
                            + "(free %dm)", spec.name(), spec.limits().milliCpus(), contributed.milliCpus(), holders,
                    cpu, Math.max(0, contributed.milliCpus() - cpu)));
        }
        if (mem + spec.limits().memoryBytes() > contributed.memoryBytes()) {
            throw new DriverException(Kind.LIMIT_EXCEEDED, String.format(
                    "refused %s: it asks for %d MiB memory, but the node contributes %d MiB and %d container(s) "
                            + "hold %d MiB (free %d MiB)", spec.name(), mib(spec.limits().memoryBytes()),
                    mib(contributed.memoryBytes()), holders, mib(mem),
                    mib(Math.max(0, contributed.memoryBytes() - mem))));
        }
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    /** Exited containers hold no CPU or memory; asking costs an engine call, so only for attached ones. */
    private boolean isExited(StoredContainer c) {
        ContainerDriver d = drivers.get(c.driverType());
        if (d == null || StoredContainer.STARTING.equals(c.phase())) {
            return false;
        }
        try {
            ContainerState s = d.inspect(c.handle()).state();
            return s == ContainerState.EXITED || s == ContainerState.GONE;
        } catch (DriverException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public List<ContainerInfo> list() {
        retryPending();
        List<ContainerInfo> out = new ArrayList<>();
        for (StoredContainer c : containers.values()) {
            out.add(info(c));
        }
        out.sort(Comparator.comparing(ContainerInfo::id));
        return out;
    }

    @Override
    public Optional<ContainerInfo> get(String id) {
        retryPending();
        StoredContainer c = containers.get(id);
        return c == null ? Optional.empty() : Optional.of(info(c));
    }

    private ContainerInfo info(StoredContainer c) {
        ContainerState state;
        Optional<ExitStatus> exit = Optional.empty();
        ContainerDriver d = drivers.get(c.driverType());
        if (c.gone()) {
            state = ContainerState.GONE;
        } else if (d == null) {
            state = ContainerState.DETACHED;
        } else if (StoredContainer.STARTING.equals(c.phase())) {
            state = ContainerState.CREATED;
        } else {
            try {
                ContainerStatus s = d.inspect(c.handle());
                state = s.state();
                exit = s.exit();
            } catch (DriverException | RuntimeException e) {
                LOG.log(Level.FINE, "cannot inspect " + c.id(), e);
                state = ContainerState.DETACHED;
            }
        }
        return new ContainerInfo(c.id(), c.driverType(), state, c.spec().image(), c.imageName(), c.limits(),
                Instant.ofEpochMilli(c.startedAtMillis()), exit);
    }

    @Override
    public void stop(String id, Duration grace) throws DriverException {
        StoredContainer c = record(id);
        attached(c).stop(c.handle(), grace);
    }

    @Override
    public void destroy(String id) throws DriverException {
        StoredContainer c = record(id);
        if (!c.gone()) {
            // a start that was cut and whose removal failed at reconciliation may be removed by hand
            ContainerDriver d = StoredContainer.STARTING.equals(c.phase()) && !inFlight.contains(id)
                    ? driver(c.driverType()) : attached(c);
            d.destroy(c.handle());
        }
        synchronized (lock) {
            forget(id);
        }
    }

    @Override
    public Optional<ExitStatus> waitFor(String id, Duration timeout) throws DriverException, InterruptedException {
        StoredContainer c = record(id);
        return attached(c).waitFor(c.handle(), timeout);
    }

    @Override
    public LogChunk logs(String id, long fromOffset, int maxBytes) throws DriverException {
        StoredContainer c = record(id);
        return attached(c).logs(c.handle(), fromOffset, maxBytes);
    }

    @Override
    public ExecResult exec(String id, List<String> command, Duration timeout) throws DriverException {
        StoredContainer c = record(id);
        return attached(c).exec(c.handle(), command, timeout);
    }

    @Override
    public ContainerStats stats(String id) throws DriverException {
        StoredContainer c = record(id);
        return attached(c).stats(c.handle());
    }

    @Override
    public Map<String, LatencyHistogram.Snapshot> startLatencies() {
        Map<String, LatencyHistogram.Snapshot> out = new TreeMap<>();
        startLatencies.forEach((type, h) -> out.put(type, h.snapshot()));
        return out;
    }

    @Override
    public ContainerInfo migrate(String id, String driverType) throws DriverException {
        StoredContainer c = record(id);
        if (c.driverType().equals(driverType)) {
            throw new DriverException(Kind.INVALID_SPEC, "container " + id + " already runs on " + driverType);
        }
        driver(driverType);
        ContainerDriver from = attached(c);
        ContainerSpec spec = c.toSpec();
        from.stop(c.handle(), spec.stopGrace());
        from.destroy(c.handle());
        synchronized (lock) {
            forget(id);
        }
        return run(spec, driverType);
    }

    /** Returns the id of a container whose image is {@code digest}, to guard image removal. */
    private Optional<String> userOf(String digest) {
        return containers.values().stream().filter(c -> !c.gone() && digest.equals(c.spec().image()))
                .map(StoredContainer::id).sorted().findFirst();
    }

    private StoredContainer record(String id) throws DriverException {
        StoredContainer c = id == null ? null : containers.get(id);
        if (c == null) {
            throw new DriverException(Kind.NOT_FOUND, "no container '" + id + "' on this node");
        }
        return c;
    }

    private ContainerDriver attached(StoredContainer c) throws DriverException {
        if (StoredContainer.STARTING.equals(c.phase())) {
            throw new DriverException(Kind.FAILED, "container " + c.id() + " is still starting");
        }
        ContainerDriver d = drivers.get(c.driverType());
        if (d == null) {
            throw new DriverException(Kind.NO_DRIVER, "container " + c.id() + " is detached: its driver "
                    + c.driverType() + " is not present (it keeps running and is reattached when the driver returns)");
        }
        return d;
    }

    private ContainerDriver driver(String type) throws DriverException {
        ContainerDriver d = type == null ? null : drivers.get(type);
        if (d == null) {
            throw new DriverException(Kind.NO_DRIVER, "no driver of type '" + type + "' is present; present: "
                    + new TreeMap<>(drivers).keySet());
        }
        return d;
    }

    private void put(StoredContainer c) {
        records.put(c.id(), c.toJson());
        containers.put(c.id(), c);
    }

    private void forget(String id) {
        records.remove(id);
        containers.remove(id);
    }
}
