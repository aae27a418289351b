package org.ringfellow.rest.internal;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.ring.Ring;

/**
 * This node's metrics, in the Prometheus text format: what the node's services already count,
 * read at each scrape ({@link StateCollector}), and what this bundle measures itself (the API's
 * calls and their latency, deploys through the API and how long they took to run). A
 * component of this bundle only: {@link RestServlet} records into it, {@link MetricsServlet}
 * serves it.
 */
@Component(service = NodeMetrics.class)
public final class NodeMetrics {

    /** The media type of the Prometheus text format, version 0.0.4. */
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    /** The API's resources as a bounded label; anything else is {@code other}. */
    private static final Set<String> RESOURCES = Set.of("node", "ring", "fellowships", "drivers", "containers",
            "apps", "jobs", "openapi.json");
    private static final Set<String> METHODS = Set.of("GET", "POST", "DELETE", "PUT", "HEAD");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final StateCollector state;
    private final Counter requests;
    private final Histogram latency;
    private final Histogram deploys;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Ring ring;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FellowshipService fellowships;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContainerManager containers;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AppService apps;

    /** The component: the node's services as they come and go. */
    @Activate
    public NodeMetrics() {
        this(null);
    }

    /** For tests: metrics over the given services (null: this component's references). */
    NodeMetrics(Api.Services given) {
        Api.Services services = given != null ? given : new Api.Services(Optional::empty,
                () -> Optional.ofNullable(ring), () -> Optional.ofNullable(fellowships),
                () -> Optional.ofNullable(containers), () -> Optional.ofNullable(apps));
        this.state = new StateCollector(services);
        registry.register(state);
        requests = Counter.builder().name("ringfellow_api_requests_total")
                .help("Calls of /api/v1 answered, by resource, method and status code")
                .labelNames("resource", "method", "code").withoutExemplars().register(registry);
        latency = Histogram.builder().name("ringfellow_api_request_duration_seconds")
                .help("Time to answer a call of /api/v1 (a followed log stream counts until its headers)")
                .labelNames("resource").classicOnly()
                .classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120)
                .withoutExemplars().register(registry);
        deploys = Histogram.builder().name("ringfellow_app_deploy_duration_seconds")
                .help("Deploys through the API, from the call until the app ran on its members or failed")
                .labelNames("outcome").classicOnly()
                .classicUpperBounds(1, 2, 5, 10, 20, 30, 60, 120, 300)
                .withoutExemplars().register(registry);
    }

    /**
     * Counts one answered call of the API.
     *
     * @param method the HTTP method
     * @param path the path below {@code /api/v1}
     * @param status the status code sent
     * @param nanos how long the answer took
     */
    void apiCall(String method, String path, int status, long nanos) {
        String resource = resource(path);
        String m = method == null ? "OTHER" : method.toUpperCase(Locale.ROOT);
        requests.labelValues(resource, METHODS.contains(m) ? m : "OTHER", Integer.toString(status)).inc();
        latency.labelValues(resource).observe(nanos / 1e9);
    }

    /**
     * Records one deploy through the API.
     *
     * @param ok whether the app ran
     * @param nanos how long the deploy call took
     */
    void deploy(boolean ok, long nanos) {
        deploys.labelValues(ok ? "running" : "failed").observe(nanos / 1e9);
    }

    /** The first path segment if it is one of the API's resources, else {@code other}. */
    static String resource(String path) {
        if (path == null) {
            return "other";
        }
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        String first = slash < 0 ? p : p.substring(0, slash);
        return RESOURCES.contains(first) ? first : "other";
    }

    /** Every metric now, in the Prometheus text format. */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toByteArray();
    }
}
