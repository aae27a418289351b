package org.ringfellow.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.ringfellow.api.node.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} in the Prometheus text format, as Prometheus expects to scrape it: to
 * the clients {@code metricsAllowedClients} lists (loopback by default) without a token, or with
 * the API's bearer token as well when {@code metricsRequireToken} is set. Only GET and HEAD.
 */
@Component(service = Servlet.class, configurationPid = RestServlet.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {
            "osgi.http.whiteboard.servlet.pattern=" + MetricsServlet.PATH,
            "osgi.http.whiteboard.servlet.name=ringfellow-metrics"})
public final class MetricsServlet extends HttpServlet {

    static final String PATH = "/metrics";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServlet.class);

    private final transient NodeMetrics metrics;
    private final transient ApiToken token;
    private transient volatile Access access = new Access(ClientFilter.parse(ClientFilter.LOOPBACK), false);

    /** Who may scrape: the clients and whether the token is asked. */
    record Access(ClientFilter clients, boolean requireToken) {
    }

    @Activate
    public MetricsServlet(@Reference NodeMetrics metrics, @Reference NodeService node, RestConfig config)
            throws IOException {
        this.metrics = metrics;
        this.token = ApiToken.loadOrCreate(node.dataDirectory());
        modified(config);
    }

    @Modified
    void modified(RestConfig config) {
        try {
            access = new Access(ClientFilter.parse(config.metricsAllowedClients()), config.metricsRequireToken());
        } catch (IllegalArgumentException e) {
            LOG.error("PID {}: metricsAllowedClients refused, /metrics keeps its last good setting: {}",
                    RestServlet.PID, e.getMessage());
        }
    }

    /**
     * Whether a scrape may be answered; the status and message when not.
     *
     * @return null to answer, else the refusal
     */
    static ApiException refusal(Access access, ApiToken token, String method, String remote, String authorization) {
        if (!access.clients().allows(remote)) {
            return new ApiException(403, "/metrics does not answer " + Api.shorten(remote)
                    + " (metricsAllowedClients in etc/" + RestServlet.PID + ".cfg)");
        }
        if (access.requireToken() && !token.accepts(authorization)) {
            return new ApiException(401, "send Authorization: Bearer <token>, the token in the node's data/ringfellow/"
                    + ApiToken.FILE + " (metricsRequireToken is set)");
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return new ApiException(405, "/metrics answers GET and HEAD, not " + Api.shorten(method));
        }
        return null;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ApiException refused = refusal(access, token, req.getMethod(), req.getRemoteAddr(),
                req.getHeader("Authorization"));
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        if (refused != null) {
            if (refused.status() == 401) {
                resp.setHeader("WWW-Authenticate", "Bearer realm=\"ringfellow\"");
            }
            byte[] body = (refused.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            resp.setStatus(refused.status());
            resp.setContentType("text/plain; charset=utf-8");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
            return;
        }
        byte[] body = metrics.scrape();
        resp.setStatus(200);
        resp.setContentType(NodeMetrics.CONTENT_TYPE);
        resp.setContentLength(body.length);
        if (!"HEAD".equals(req.getMethod())) {
            resp.getOutputStream().write(body);
        }
    }
}
