package org.ringfellow.rest.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the dashboard's files (plain HTML, CSS and ES modules, shipped in the bundle under
 * {@code ui/}) at {@code /ui/}, to the clients {@code allowedClients} lists, like the API. The
 * files hold no secret: the page asks the operator for the API token and sends it on each
 * call, so the API's own checks apply. A strict Content-Security-Policy allows only this
 * node's own scripts, styles and connections, and no framing.
 */
@Component(service = Servlet.class, configurationPid = RestServlet.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {
            "osgi.http.whiteboard.servlet.pattern=" + UiServlet.PREFIX,
            "osgi.http.whiteboard.servlet.pattern=" + UiServlet.PREFIX + "/*",
            "osgi.http.whiteboard.servlet.name=ringfellow-ui"})
public final class UiServlet extends HttpServlet {

    static final String PREFIX = "/ui";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Pattern FILE = Pattern.compile("[a-z0-9-]{1,40}\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UiServlet.class);

    private transient volatile ClientFilter clients = ClientFilter.parse(ClientFilter.LOOPBACK);

    @Activate
    public UiServlet(RestConfig config) {
        modified(config);
    }

    @Modified
    void modified(RestConfig config) {
        try {
            clients = ClientFilter.parse(config.allowedClients());
        } catch (IllegalArgumentException e) {
            LOG.error("PID {} refused, the dashboard keeps its last good setting: {}", RestServlet.PID, e.getMessage());
        }
    }

    /** The file a path below {@code /ui} names ({@code index.html} for the root), or null. */
    static String file(String pathInfo) {
        String p = pathInfo == null || pathInfo.equals("/") ? "/index.html" : pathInfo;
        String name = p.substring(1);
        return FILE.matcher(name).matches() ? name : null;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        if (!clients.allows(req.getRemoteAddr())) {
            text(resp, 403, "this node's dashboard does not answer " + Api.shorten(req.getRemoteAddr())
                    + " (allowedClients in etc/" + RestServlet.PID + ".cfg)");
            return;
        }
        if (req.getPathInfo() == null) {
            resp.setStatus(301);
            resp.setHeader("Location", PREFIX + "/");
            return;
        }
        if (!"GET".equals(req.getMethod()) && !"HEAD".equals(req.getMethod())) {
            text(resp, 405, "the dashboard's files answer GET and HEAD");
            return;
        }
        String name = file(req.getPathInfo());
        byte[] body = null;
        if (name != null) {
            try (InputStream in = UiServlet.class.getClassLoader().getResourceAsStream("ui/" + name)) {
                body = in == null ? null : in.readAllBytes();
            }
        }
        if (body == null) {
            text(resp, 404, "no dashboard file " + Api.shorten(req.getPathInfo()));
            return;
        }
        resp.setStatus(200);
        resp.setContentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setContentLength(body.length);
        if (!"HEAD".equals(req.getMethod())) {
            resp.getOutputStream().write(body);
        }
    }

    private static void text(HttpServletResponse resp, int status, String message) throws IOException {
        byte[] b = (message + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
