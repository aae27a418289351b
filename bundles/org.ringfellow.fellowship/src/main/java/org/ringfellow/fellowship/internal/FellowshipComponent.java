package org.ringfellow.fellowship.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.api.ring.RingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fellowship service of this node. It registers itself as a {@link RingListener} on the
 * Ring's whiteboard to hear of dead and departed members, and it keeps a whiteboard of its own:
 * every {@link FellowshipListener} service hears every event of every fellowship of this node
 * (see that interface). A configuration that does not validate is refused as a whole and the
 * last good one stays in force.
 */
@Component(service = {FellowshipService.class, RingListener.class}, configurationPid = FellowshipComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = FellowshipConfiguration.class)
public class FellowshipComponent implements FellowshipService, RingListener {

    static final String PID = "org.ringfellow.fellowship";
    private static final Logger LOG = LoggerFactory.getLogger(FellowshipComponent.class);

    private final FellowshipEngine engine;
    private volatile Settings settings;
    private volatile Optional<String> configProblem = Optional.empty();

    /**
     * Starts the fellowship channel.
     *
     * @param node the local node
     * @param store the node's store, for the rosters kept across a crash
     * @param ring the Ring, for candidates and failure detection
     * @param config the configuration of PID {@code org.ringfellow.fellowship}
     */
    @Activate
    public FellowshipComponent(@Reference(name = "node") NodeService node,
            @Reference(name = "store") NodeStore store, @Reference(name = "ring") Ring ring,
            Map<String, Object> config) {
        Settings s;
        try {
            s = Settings.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration {} refused: {}. Using the defaults.", PID, e.getMessage());
            configProblem = Optional.of(e.getMessage());
            s = Settings.defaults();
        }
        this.settings = s;
        this.engine = new FellowshipEngine(node, ring, store.namespace("fellowship"), s);
        try {
            engine.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            engine.close();
            throw new IllegalStateException("interrupted while binding the fellowship channel", e);
        } catch (RuntimeException e) {
            engine.close();
            throw new IllegalStateException("cannot bind the fellowship channel on " + s.bindHost() + ":" + s.port()
                    + ": " + e, e);
        }
    }

    /**
     * Binds a whiteboard listener: it hears every event of every fellowship of this node.
     *
     * @param listener the listener service
     */
    @Reference(name = "listener", service = FellowshipListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeListener")
    void addListener(FellowshipListener listener) {
        engine.addListener(listener);
    }

    void removeListener(FellowshipListener listener) {
        engine.removeListener(listener);
    }

    @Modified
    void modified(Map<String, Object> config) {
        Settings next;
        try {
            next = Settings.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration {} refused: {}. The last good configuration stays in force.", PID, e.getMessage());
            configProblem = Optional.of(e.getMessage());
            return;
        }
        configProblem = Optional.empty();
        Settings before = settings;
        settings = next;
        engine.updatePolicy(next.policy());
        if (!before.bindHost().equals(next.bindHost()) || before.port() != next.port()
                || !before.advertisedHost().equals(next.advertisedHost())) {
            LOG.warn("The fellowship channel's address changes when the bundle restarts; the policy applies now");
        }
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    /** Returns the engine, for the console's counters. */
    FellowshipEngine engine() {
        return engine;
    }

    /**
     * Returns why the latest configuration was refused, if it was.
     *
     * @return the reason, or empty if the latest configuration is in force
     */
    public Optional<String> configProblem() {
        return configProblem;
    }

    @Override
    public void ringChanged(RingEvent event) {
        engine.ringChanged(event);
    }

    @Override
    public CompletionStage<Fellowship> create(FellowshipSpec spec) {
        return engine.create(spec);
    }

    @Override
    public List<Fellowship> list() {
        return engine.list();
    }

    @Override
    public Optional<Fellowship> get(FellowshipId id) {
        return engine.get(id);
    }

    @Override
    public AdmissionPolicy policy() {
        return engine.policy();
    }

    @Override
    public Map<FellowshipId, Resources> reservations() {
        return engine.reservations();
    }

    /** The engine's counters, for the console and the node's metrics. */
    @Override
    public Map<String, Long> stats() {
        return engine.stats();
    }
}
