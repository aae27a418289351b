package org.ringfellow.ingress.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /apps/*} on the node's HTTP service (Pax Web, through the OSGi HTTP Whiteboard) and
 * hands every request to {@link Ingress}. The app's answer is awaited asynchronously, so a slow app
 * holds no server thread; an answer that does not come in {@link #RESPONSE_TIMEOUT_MS} is a 504.
 * Without an {@link AppGateway} service (the deployment engine is not installed or not started) the
 * ingress answers 503 with {@code Retry-After}.
 */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=" + Ingress.PREFIX + "/*",
    "osgi.http.whiteboard.servlet.name=ringfellow-ingress",
    "osgi.http.whiteboard.servlet.asyncSupported:Boolean=true"})
public final class IngressServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** The gateway answers 504 itself when an app is late; this only guards against a gateway that never answers. */
    static final long RESPONSE_TIMEOUT_MS = 120_000;
    private static final Logger LOG = LoggerFactory.getLogger(IngressServlet.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AppGateway gateway;

    private final transient Ingress ingress = new Ingress(() -> Optional.ofNullable(gateway), IngressLimits.DEFAULTS);

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        CompletableFuture<HttpResponse> answer = ingress.handle(new ServletExchange(req)).toCompletableFuture();
        if (answer.isDone()) {
            write(resp, answer.join());
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(RESPONSE_TIMEOUT_MS);
        AtomicBoolean answered = new AtomicBoolean();
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) throws IOException {
                if (answered.compareAndSet(false, true)) {
                    write((HttpServletResponse) async.getResponse(), Ingress.text(504,
                            "no answer from the app in " + RESPONSE_TIMEOUT_MS / 1000 + " s"));
                    async.complete();
                }
            }

            @Override
            public void onComplete(AsyncEvent event) {
                answered.set(true);
            }

            @Override
            public void onError(AsyncEvent event) {
                answered.set(true);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // nothing to set up
            }
        });
        answer.whenComplete((response, error) -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            try {
                write((HttpServletResponse) async.getResponse(), response);
            } catch (IOException | RuntimeException e) {
                LOG.debug("ingress: the client went away before the answer to {} was written: {}",
                        req.getRequestURI(), e.toString());
            } finally {
                async.complete();
            }
        });
    }

    private static void write(HttpServletResponse resp, HttpResponse r) throws IOException {
        resp.setStatus(r.status());
        r.headers().forEach(resp::setHeader);
        resp.setContentLength(r.body().length);
        resp.getOutputStream().write(r.body());
    }

    /** Counts of refused requests by reason, for tests and diagnostics. */
    Map<String, Long> refusals() {
        return ingress.refusals();
    }

    /** The servlet container's request as an {@link Exchange}. */
    private record ServletExchange(HttpServletRequest req) implements Exchange {

        @Override
        public String method() {
            return req.getMethod();
        }

        @Override
        public String rawPath() {
            String uri = req.getRequestURI();
            String context = req.getContextPath();
            return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length())
                    : uri;
        }

        @Override
        public String query() {
            return req.getQueryString() == null ? "" : req.getQueryString();
        }

        @Override
        public List<Map.Entry<String, String>> headers() {
            List<Map.Entry<String, String>> out = new ArrayList<>();
            for (String name : Collections.list(req.getHeaderNames())) {
                for (String value : Collections.list(req.getHeaders(name))) {
                    out.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
                }
            }
            return out;
        }

        @Override
        public long contentLength() {
            return req.getContentLengthLong();
        }

        @Override
        public InputStream body() throws IOException {
            return req.getInputStream();
        }
    }
}
