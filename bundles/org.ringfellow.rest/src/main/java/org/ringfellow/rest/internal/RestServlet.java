package org.ringfellow.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.ring.Ring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /api/v1/*} on the node's HTTP service (Pax Web, through the OSGi HTTP Whiteboard).
 * Before a call reaches {@link Api}: the client's address must be allowed (PID {@value #PID},
 * loopback only by default), the call must carry {@code Authorization: Bearer <token>} with the
 * node's token (401 otherwise), a request with an {@code Origin} other than the node's own is
 * refused (403: no cross-site calls, and no CORS headers are ever sent), and the body is bounded
 * (413).
 */
@Component(service = Servlet.class, configurationPid = RestServlet.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {
            "osgi.http.whiteboard.servlet.pattern=" + RestServlet.PREFIX + "/*",
            "osgi.http.whiteboard.servlet.name=ringfellow-rest",
            "osgi.http.whiteboard.servlet.asyncSupported:Boolean=true"})
@Designate(ocd = RestConfig.class)
public final class RestServlet extends HttpServlet {

    static final String PID = "org.ringfellow.rest";
    static final String PREFIX = "/api/v1";
    /** The largest upload: the app engine's own limit on an artifact. */
    static final long MAX_UPLOAD = 64L * 1024 * 1024;
    /** The largest JSON body. */
    static final int MAX_JSON = 64 * 1024;
    /** The largest job file, the job reader's own limit. */
    static final int MAX_JOB_FILE = 8 * 1024 * 1024;
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RestServlet.class);

    private final transient ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final transient ApiToken token;
    private final transient NodeMetrics metrics;
    private final transient Api api;
    private final transient ScheduledExecutorService logPool = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "rest-log-streams");
        t.setDaemon(true);
        return t;
    });
    private final transient LogStream logs = new LogStream(logPool);
    private transient volatile ClientFilter clients = ClientFilter.parse(ClientFilter.LOOPBACK);

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
    /** The job service, while {@code ringfellow-jobs} is installed (the job routes answer 503 without it). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile JobService jobs;

    @Activate
    public RestServlet(@Reference NodeService node, @Reference NodeMetrics metrics,
            RestConfig config) throws IOException {
        this.metrics = metrics;
        Path dir = node.dataDirectory();
        this.token = ApiToken.loadOrCreate(dir);
        byte[] openApi;
        try (InputStream in = RestServlet.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IOException("openapi.json is missing from the bundle");
            }
            openApi = in.readAllBytes();
        }
        this.api = new Api(new Api.Services(() -> Optional.of(node), () -> Optional.ofNullable(ring),
                () -> Optional.ofNullable(fellowships), () -> Optional.ofNullable(containers),
                () -> Optional.ofNullable(apps), () -> Optional.ofNullable(jobs)), mapper, openApi,
                dir.resolve("rest-uploads"));
        modified(config);
        LOG.info("REST API at {} (token in {})", PREFIX, dir.resolve(ApiToken.FILE));
    }

    @Deactivate
    void deactivate() {
        logs.closeAll();
        logPool.shutdownNow();
    }

    @Modified
    void modified(RestConfig config) {
        try {
            clients = ClientFilter.parse(config.allowedClients());
        } catch (IllegalArgumentException e) {
            LOG.error("PID {} refused, the API keeps its last good setting: {}", PID, e.getMessage());
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long started = System.nanoTime();
        Api.Reply reply;
        try {
            reply = answer(req);
            if (reply.body() instanceof Api.Follow follow) {
                metrics.apiCall(req.getMethod(), req.getPathInfo(), 200, System.nanoTime() - started);
                logs.start(follow, req, resp);
                return;
            }
        } catch (ApiException e) {
            reply = new Api.Reply(e.status(), Json.error(e.status(), e.getMessage()));
            if (e.status() == 401) {
                resp.setHeader("WWW-Authenticate", "Bearer realm=\"ringfellow\"");
            }
        } catch (RuntimeException e) {
            LOG.warn("REST: {} {} failed", req.getMethod(), req.getRequestURI(), e);
            reply = new Api.Reply(500, Json.error(500, "internal error: " + Api.shorten(String.valueOf(e))));
        }
        byte[] out = reply.body() instanceof byte[] b ? b : mapper.writeValueAsBytes(reply.body());
        resp.setStatus(reply.status());
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentLength(out.length);
        resp.getOutputStream().write(out);
        long took = System.nanoTime() - started;
        metrics.apiCall(req.getMethod(), req.getPathInfo(), reply.status(), took);
        if ("POST".equalsIgnoreCase(req.getMethod()) && "/apps".equals(req.getPathInfo())
                && (reply.status() == 201 || reply.status() == 409)) {
            metrics.deploy(reply.status() == 201, took);
        }
    }

    private Api.Reply answer(HttpServletRequest req) throws IOException {
        return Gate.check(clients, token, req.getRemoteAddr(), req.getHeader("Authorization"),
                req.getHeader("Origin"), req.getScheme(), req.getHeader("Host"), () -> {
                    String type = Api.mediaType(req.getContentType());
                    String at = req.getPathInfo() == null ? "" : req.getPathInfo();
                    long limit = at.equals("/jobs") || at.startsWith("/jobs/") ? MAX_JOB_FILE
                            : type.equals("application/json") || type.isEmpty() ? MAX_JSON : MAX_UPLOAD;
                    byte[] body = readBody(req, limit);
                    Map<String, String> query = new HashMap<>();
                    req.getParameterMap().forEach((k, v) -> query.put(k, v.length == 0 ? "" : v[0]));
                    String path = req.getPathInfo() == null ? "" : req.getPathInfo();
                    return api.handle(req.getMethod(), path, query, req.getContentType(), body);
                });
    }

    static byte[] readBody(HttpServletRequest req, long limit) throws IOException {
        long declared = req.getContentLengthLong();
        if (declared > limit) {
            throw new ApiException(413, "the body is " + declared + " bytes; at most " + limit + " here");
        }
        try (InputStream in = req.getInputStream()) {
            return Gate.readBounded(in, limit);
        }
    }

    /** Whether an {@code Origin} header names the node itself (the scheme and host the request came to). */
    static boolean sameOrigin(String origin, String scheme, String host) {
        try {
            URI o = new URI(origin);
            return host != null && scheme != null && scheme.equalsIgnoreCase(o.getScheme())
                    && host.equalsIgnoreCase(o.getRawAuthority());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The checks every call passes before it is routed, apart from the servlet API. */
    static final class Gate {

        interface Call {
            Api.Reply run() throws IOException;
        }

        private Gate() {
        }

        static Api.Reply check(ClientFilter clients, ApiToken token, String remote, String authorization,
                String origin, String scheme, String host, Call call) throws IOException {
            if (!clients.allows(remote)) {
                throw new ApiException(403, "this node's API does not answer " + Api.shorten(remote)
                        + " (allowedClients in etc/" + PID + ".cfg)");
            }
            if (!token.accepts(authorization)) {
                throw new ApiException(401, "send Authorization: Bearer <token>, the token in the node's "
                        + "data/ringfellow/" + ApiToken.FILE);
            }
            if (origin != null && !sameOrigin(origin, scheme, host)) {
                throw new ApiException(403, "cross-site request from " + Api.shorten(origin) + " refused");
            }
            return call.run();
        }

        static byte[] readBounded(InputStream in, long limit) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > limit) {
                    throw new ApiException(413, "the body is over " + limit + " bytes, the most accepted here");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }
}
