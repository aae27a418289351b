package org.ringfellow.bench.calculator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * For the benchmark only: the calculator's page served at {@code /bare/} by a plain servlet on the
 * node's HTTP service, the same bytes the app serves at {@code /apps/calculator/}, read from the
 * calculator bundle installed on the node. What the ingress costs is the difference between the two.
 */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=/bare/*",
    "osgi.http.whiteboard.servlet.name=ringfellow-bench-bare"
})
public class BareServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String CALCULATOR = "org.ringfellow.examples.calculator";
    private static final String PAGE = "org/ringfellow/examples/calculator/internal/index.html";

    private transient byte[] page = new byte[0];

    @Activate
    void activate(BundleContext context) throws IOException {
        for (Bundle b : context.getBundles()) {
            URL entry = CALCULATOR.equals(b.getSymbolicName()) ? b.getEntry(PAGE) : null;
            if (entry != null) {
                try (InputStream in = entry.openStream()) {
                    page = in.readNBytes(1 << 20);
                }
                return;
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (page.length == 0) {
            resp.sendError(404, "the calculator bundle is not installed (feature ringfellow-example-calculator)");
            return;
        }
        resp.setContentType("text/html; charset=utf-8");
        resp.setContentLength(page.length);
        resp.getOutputStream().write(page);
    }
}
