package org.ringfellow.app.internal;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.AppMetrics;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app engine as a service: {@link AppService} for the console and tools,
 * {@link AppGateway} for the HTTP ingress, and a {@link FellowshipListener} on the
 * fellowship whiteboard so it hears of every app fellowship this node joins. Runtimes are
 * found on the whiteboard by their {@value ApplicationRuntime#TYPE_PROPERTY} and may come and
 * go while the node runs. The restart policy comes from PID {@value #PID}; a configuration
 * that does not validate is refused and the last good policy stays in force.
 */
@Component(service = {AppService.class, AppGateway.class, FellowshipListener.class}, immediate = true,
        configurationPid = AppEngineComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AppConfiguration.class)
public class AppEngineComponent implements AppService, AppGateway, FellowshipListener {

    static final String PID = "org.ringfellow.app";
    private static final Logger LOG = LoggerFactory.getLogger(AppEngineComponent.class);

    private final Map<String, ApplicationRuntime> runtimes = new ConcurrentHashMap<>();
    private final NodeService node;
    private final AppEngine engine;

    @Activate
    public AppEngineComponent(@Reference NodeService node, @Reference NodeStore store,
            @Reference FellowshipService fellowships, @Reference ContainerManager containers, @Reference Ring ring,
            Map<String, Object> config) throws IOException {
        this.node = node;
        this.engine = new AppEngine(node, store, fellowships, containers, t -> Optional.ofNullable(runtimes.get(t)),
                ring, AppEngine.Timing.DEFAULT);
        modified(config);
        engine.start();
    }

    @Modified
    void modified(Map<String, Object> config) {
        try {
            engine.restartPolicy(RestartPolicy.parse(config));
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration {} refused: {}. The last good restart policy stays in force: {}", PID,
                    e.getMessage(), engine.restartPolicy());
        }
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRuntime(ApplicationRuntime runtime, Map<String, Object> props) {
        runtimes.put(type(runtime, props), runtime);
    }

    void removeRuntime(ApplicationRuntime runtime, Map<String, Object> props) {
        runtimes.remove(type(runtime, props), runtime);
    }

    private static String type(ApplicationRuntime runtime, Map<String, Object> props) {
        Object t = props.get(ApplicationRuntime.TYPE_PROPERTY);
        return t != null ? t.toString() : runtime.type();
    }

    @Override
    public AppStatus deploy(URI artifact, Consumer<String> progress) throws AppException {
        return engine.deploy(artifact, progress);
    }

    @Override
    public List<AppStatus> list() {
        return engine.list();
    }

    @Override
    public Optional<AppStatus> status(String name) {
        return engine.status(name);
    }

    @Override
    public AppStatus scale(String name, int size) throws AppException {
        return engine.scale(name, size);
    }

    @Override
    public LogSlice logs(String name, String member, long fromOffset) throws AppException {
        return engine.logs(name, member, fromOffset);
    }

    @Override
    public int send(String name, String member, String topic, byte[] payload) throws AppException {
        return engine.send(name, member, topic, payload);
    }

    @Override
    public void undeploy(String name) throws AppException {
        engine.undeploy(name);
    }

    @Override
    public List<AppMetrics> metrics() {
        return engine.metrics();
    }

    @Override
    public CompletionStage<HttpResponse> forward(String app, HttpRequest request) {
        return engine.forward(app, request);
    }

    @Override
    public void onEvent(FellowshipEvent event) {
        engine.onEvent(event);
    }
}
