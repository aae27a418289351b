package org.ringfellow.node.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
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
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeListener;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local node: owns its key pair, its store and its configuration. A configuration that
 * does not validate is refused as a whole; the node keeps (and persists) its last good one.
 */
@Component(service = {NodeService.class, NodeIdentity.class, NodeStore.class}, configurationPid = NodeComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = NodeConfiguration.class)
public class NodeComponent implements NodeService, NodeIdentity, NodeStore {

    static final String PID = "org.ringfellow.node";
    /** Framework property that overrides where the node keeps its files. */
    static final String DATA_PROPERTY = "ringfellow.data";
    static final String DRIVER_SERVICE = "org.ringfellow.api.container.ContainerDriver";
    static final String DRIVER_TYPE = "ringfellow.driver.type";
    static final String RUNTIME_SERVICE = "org.ringfellow.api.runtime.ApplicationRuntime";
    static final String RUNTIME_TYPE = "ringfellow.runtime.type";
    private static final String STATE_NAMESPACE = "node";
    private static final String LAST_GOOD = "config.last-good";
    private static final String RESERVATIONS_NAMESPACE = "node.reservations";
    private static final java.util.regex.Pattern RESERVATION_KEY = java.util.regex.Pattern.compile(
            "[A-Za-z0-9._:/-]{1," + MAX_RESERVATION_KEY + "}");

    private static final Logger LOG = LoggerFactory.getLogger(NodeComponent.class);

    private final BundleContext context;
    private final Path dataDir;
    private final Ed25519Identity identity;
    private final MvNodeStore store;
    private final String version;
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile NodeSettings settings;
    private volatile Optional<String> configProblem = Optional.empty();
    /** The reservations, mirrored from the store; written under {@code this}. */
    private volatile Map<String, Resources> reservations;

    /**
     * Opens the node's identity and store and applies its configuration.
     *
     * @param context the bundle context
     * @param config the configuration of PID {@code org.ringfellow.node}
     */
    @Activate
    public NodeComponent(BundleContext context, Map<String, Object> config) {
        this.context = context;
        this.dataDir = dataDirectory(context);
        try {
            Files.createDirectories(dataDir);
            this.identity = new Ed25519Identity(KeyFiles.loadOrCreate(dataDir.resolve("identity")));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load or create the node key pair under " + dataDir + ": " + e, e);
        }
        this.store = new MvNodeStore(dataDir);
        this.version = context.getBundle().getVersion().toString();
        this.reservations = loadReservations();
        NodeSettings fallback = lastGood().orElseGet(() -> NodeSettings.defaults(hostName(), identity.id().shortId()));
        this.settings = fallback;
        apply(config, fallback);
        LOG.info("Ringfellow node {} ({}) started, data in {}", identity.id().shortId(), settings.name(), dataDir);
    }

    /**
     * Applies a changed configuration, or refuses it and keeps the current one.
     *
     * @param config the new configuration
     */
    @Modified
    void modified(Map<String, Object> config) {
        apply(config, settings);
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(NodeListener listener) {
        listeners.add(listener);
    }

    void removeListener(NodeListener listener) {
        listeners.remove(listener);
    }

    private void apply(Map<String, Object> config, NodeSettings base) {
        NodeSettings next;
        try {
            next = NodeSettings.parse(config, base);
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration {} refused: {}. The node keeps its last good configuration.", PID,
                    e.getMessage());
            configProblem = Optional.of(e.getMessage());
            return;
        }
        configProblem = Optional.empty();
        boolean changed = !next.equals(settings);
        settings = next;
        saveLastGood(next);
        if (changed) {
            tellListeners();
        }
    }

    private void tellListeners() {
        NodeInfo info = info();
        for (NodeListener l : listeners) {
            try {
                l.nodeChanged(info);
            } catch (RuntimeException e) {
                LOG.warn("A node listener failed", e);
            }
        }
    }

    // Reservations

    @Override
    public void reserve(String key, Resources amount) {
        if (key == null || !RESERVATION_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a reservation key is 1 to " + MAX_RESERVATION_KEY
                    + " characters of [A-Za-z0-9._:/-], got '" + key + "'");
        }
        java.util.Objects.requireNonNull(amount, "amount");
        synchronized (this) {
            Map<String, Resources> now = reservations;
            if (amount.equals(now.get(key))) {
                return;
            }
            if (!now.containsKey(key) && now.size() >= MAX_RESERVATIONS) {
                throw new IllegalStateException("the node already keeps " + MAX_RESERVATIONS + " reservations");
            }
            store.namespace(RESERVATIONS_NAMESPACE).put(key, amount.milliCpus() + " " + amount.memoryBytes() + " "
                    + amount.diskBytes());
            Map<String, Resources> next = new java.util.TreeMap<>(now);
            next.put(key, amount);
            reservations = Map.copyOf(next);
        }
        LOG.debug("Reserved {} under {}", amount, key);
        tellListeners();
    }

    @Override
    public boolean release(String key) {
        synchronized (this) {
            if (key == null || !reservations.containsKey(key)) {
                return false;
            }
            store.namespace(RESERVATIONS_NAMESPACE).remove(key);
            Map<String, Resources> next = new java.util.TreeMap<>(reservations);
            next.remove(key);
            reservations = Map.copyOf(next);
        }
        LOG.debug("Released the reservation {}", key);
        tellListeners();
        return true;
    }

    @Override
    public Map<String, Resources> reserved() {
        return reservations;
    }

    /** Reads the reservations kept by an earlier run; an unreadable entry is dropped and logged. */
    private Map<String, Resources> loadReservations() {
        NodeStore.Namespace ns = store.namespace(RESERVATIONS_NAMESPACE);
        Map<String, Resources> out = new java.util.TreeMap<>();
        ns.entries().forEach((k, v) -> {
            try {
                String[] p = v.split(" ", -1);
                if (p.length != 3 || !RESERVATION_KEY.matcher(k).matches() || out.size() >= MAX_RESERVATIONS) {
                    throw new IllegalArgumentException("not a reservation");
                }
                out.put(k, new Resources(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])));
            } catch (IllegalArgumentException e) {
                LOG.warn("Dropping an unreadable reservation {}={}", k, v);
                ns.remove(k);
            }
        });
        return Map.copyOf(out);
    }

    private Optional<NodeSettings> lastGood() {
        return store.namespace(STATE_NAMESPACE).get(LAST_GOOD).flatMap(text -> {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text));
                Map<String, Object> m = new HashMap<>();
                p.forEach((k, v) -> m.put(k.toString(), v));
                return Optional.of(NodeSettings.parse(m, NodeSettings.defaults(hostName(), identity.id().shortId())));
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Ignoring an unreadable last good configuration: {}", e.getMessage());
                return Optional.empty();
            }
        });
    }

    private void saveLastGood(NodeSettings s) {
        StringWriter w = new StringWriter();
        try {
            s.toProperties().store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.namespace(STATE_NAMESPACE).put(LAST_GOOD, w.toString());
    }

    // NodeService

    @Override
    public NodeIdentity identity() {
        return this;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public Resources contributed() {
        return settings.contributed();
    }

    @Override
    public Map<String, String> labels() {
        Map<String, String> p = published;
        if (p.isEmpty()) {
            return settings.labels();
        }
        Map<String, String> all = new java.util.TreeMap<>(settings.labels());
        all.putAll(p);
        return Map.copyOf(all);
    }

    // Labels published by bundles

    private volatile Map<String, String> published = Map.of();

    /** Checks with {@link Labels#checkPublished}; a new key beyond {@link Labels#MAX_PUBLISHED_LABELS} is refused. */
    @Override
    public void publishLabel(String key, String value) {
        Labels.checkPublished(key, value);
        synchronized (this) {
            if (value.equals(published.get(key))) {
                return;
            }
            if (!published.containsKey(key) && published.size() >= Labels.MAX_PUBLISHED_LABELS) {
                throw new IllegalArgumentException("label " + key + " not published: the node already publishes "
                        + Labels.MAX_PUBLISHED_LABELS + " labels " + published.keySet()
                        + ", all the Ring has room for");
            }
            Map<String, String> next = new java.util.TreeMap<>(published);
            next.put(key, value);
            published = Map.copyOf(next);
        }
        tellListeners();
    }

    @Override
    public boolean withdrawLabel(String key) {
        synchronized (this) {
            if (key == null || !published.containsKey(key)) {
                return false;
            }
            Map<String, String> next = new java.util.TreeMap<>(published);
            next.remove(key);
            published = Map.copyOf(next);
        }
        tellListeners();
        return true;
    }

    @Override
    public NodeInfo info() {
        NodeSettings s = settings;
        return new NodeInfo(identity.id(), s.name(), version, s.contributed(), labels(),
                serviceTypes(DRIVER_SERVICE, DRIVER_TYPE), serviceTypes(RUNTIME_SERVICE, RUNTIME_TYPE), configProblem);
    }

    @Override
    public Path dataDirectory() {
        return dataDir;
    }

    // NodeIdentity

    @Override
    public NodeId id() {
        return identity.id();
    }

    @Override
    public byte[] publicKey() {
        return identity.publicKey();
    }

    @Override
    public byte[] sign(byte[] data) {
        return identity.sign(data);
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
        return identity.verify(publicKey, data, signature);
    }

    // NodeStore

    @Override
    public Namespace namespace(String namespace) {
        return store.namespace(namespace);
    }

    /** Types of the plugins present, read from service properties only: no plugin class is loaded. */
    private List<String> serviceTypes(String service, String typeProperty) {
        List<String> types = new ArrayList<>();
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(service, null);
            if (refs != null) {
                for (ServiceReference<?> ref : refs) {
                    Object t = ref.getProperty(typeProperty);
                    types.add(t == null ? "(untyped)" : t.toString());
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // no filter is used, and a stopping bundle simply reports no plugins
        }
        types.sort(null);
        return types;
    }

    static Path dataDirectory(BundleContext context) {
        String explicit = context.getProperty(DATA_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String karafData = context.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return Path.of(karafData, "ringfellow");
        }
        return context.getDataFile("ringfellow").toPath();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "ringfellow-node";
        }
    }
}
