package org.ringfellow.ingress.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;

/**
 * What the ingress does with a request, apart from the servlet container: reads
 * {@code /apps/<name>/<rest>}, refuses what is out of bounds with a clear text body, turns the rest
 * into an {@link HttpRequest} (header names in lower case, the path below {@code /apps/<name>},
 * still percent-encoded) and forwards it through the {@link AppGateway} present now. The returned
 * stage never completes exceptionally. Refusals are counted by reason.
 */
final class Ingress {

    /** The prefix the ingress serves. */
    static final String PREFIX = "/apps";
    /** Seconds a client is told to wait when this node has no gateway. */
    static final String NO_GATEWAY_RETRY = "5";
    /** App names as {@link org.ringfellow.api.app.AppDescriptor} allows them. */
    private static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** Headers that describe one connection, not the message: never passed on, in either direction. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length");

    private final Supplier<Optional<AppGateway>> gateway;
    private final IngressLimits limits;
    private final Map<String, AtomicLong> refused = new LinkedHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong hops = new AtomicLong();

    Ingress(Supplier<Optional<AppGateway>> gateway, IngressLimits limits) {
        this.gateway = gateway;
        this.limits = limits;
        for (String reason : List.of("path", "query", "headers", "body", "name", "gateway", "app")) {
            refused.put(reason, new AtomicLong());
        }
    }

    /**
     * Handles one request.
     *
     * @param ex the request
     * @return the response; never completes exceptionally
     */
    CompletionStage<HttpResponse> handle(Exchange ex) {
        String path = ex.rawPath();
        if (path.length() > limits.maxPathChars()) {
            return refuse("path", 414, "the path is " + path.length() + " characters long; at most "
                    + limits.maxPathChars() + " are accepted");
        }
        if (ex.query().length() > limits.maxQueryChars()) {
            return refuse("query", 414, "the query string is " + ex.query().length() + " characters long; at most "
                    + limits.maxQueryChars() + " are accepted");
        }
        if (!path.startsWith(PREFIX + "/") || path.length() == PREFIX.length() + 1) {
            return refuse("name", 404, "name an app: " + PREFIX + "/<name>/");
        }
        int slash = path.indexOf('/', PREFIX.length() + 1);
        String app = slash < 0 ? path.substring(PREFIX.length() + 1) : path.substring(PREFIX.length() + 1, slash);
        if (!APP_NAME.matcher(app).matches()) {
            return refuse("name", 404, "no app is named '" + printable(app)
                    + "': app names are 1 to 32 of a-z, 0-9 and '-'");
        }
        if (slash < 0) {
            // the app's page links relative to /apps/<name>/: send the browser there
            String to = path + "/" + (ex.query().isEmpty() ? "" : "?" + ex.query());
            return CompletableFuture.completedFuture(new HttpResponse(308, Map.of("Location", to,
                    "Content-Type", "text/plain; charset=utf-8"), ("see " + to + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        long bytes = 0;
        for (Map.Entry<String, String> h : ex.headers()) {
            count++;
            bytes += h.getKey().length() + h.getValue().length();
            if (count > limits.maxHeaders() || bytes > limits.maxHeaderBytes()) {
                return refuse("headers", 431, "the request has too many or too large headers; at most "
                        + limits.maxHeaders() + " lines and " + limits.maxHeaderBytes() + " bytes are accepted");
            }
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name)) {
                headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(h.getValue());
            }
        }
        if (ex.contentLength() > limits.maxBodyBytes()) {
            return refuse("body", 413, tooLarge(ex.contentLength()));
        }
        byte[] body;
        try (InputStream in = ex.body()) {
            body = in.readNBytes(limits.maxBodyBytes() + 1);
        } catch (IOException e) {
            return refuse("body", 400, "the request body could not be read: " + e.getMessage());
        }
        if (body.length > limits.maxBodyBytes()) {
            return refuse("body", 413, tooLarge(-1));
        }
        Optional<AppGateway> g = gateway.get();
        if (g.isEmpty()) {
            refused.get("gateway").incrementAndGet();
            return CompletableFuture.completedFuture(new HttpResponse(503, Map.of(AppGateway.RETRY_AFTER,
                    NO_GATEWAY_RETRY, "Content-Type", "text/plain; charset=utf-8"),
                    ("this node cannot reach apps yet: no app gateway is running here (the deployment engine, "
                            + "feature ringfellow-app); try again shortly\n").getBytes(StandardCharsets.UTF_8)));
        }
        if (headers.containsKey(AppGateway.HOP_HEADER)) {
            // passed on by another node's gateway: kept, so this node's gateway does not pass it on again
            hops.incrementAndGet();
        }
        HttpRequest request = new HttpRequest(ex.method(), path.substring(slash), ex.query(), copy(headers), body);
        CompletionStage<HttpResponse> answer;
        try {
            answer = g.get().forward(app, request);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        forwarded.incrementAndGet();
        return answer.handle((response, error) -> {
            if (error != null || response == null) {
                refused.get("app").incrementAndGet();
                return text(502, "app " + app + " could not be reached: "
                        + (error == null ? "no response" : printable(String.valueOf(rootCause(error).getMessage()))));
            }
            return sanitized(app, response);
        });
    }

    /** The app's response as it may go to a client: a valid status, no header that could split the response. */
    private HttpResponse sanitized(String app, HttpResponse r) {
        if (r.status() < 100 || r.status() > 599) {
            refused.get("app").incrementAndGet();
            return text(502, "app " + app + " answered with an invalid HTTP status " + r.status());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().forEach((k, v) -> {
            if (k != null && v != null && token(k) && v.indexOf('\r') < 0 && v.indexOf('\n') < 0
                    && !HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT))) {
                headers.put(k, v);
            }
        });
        return new HttpResponse(r.status(), headers, r.body() == null ? new byte[0] : r.body());
    }

    private static boolean token(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }

    private String tooLarge(long declared) {
        return "the request body " + (declared >= 0 ? "is " + declared + " bytes" : "is too large") + "; at most "
                + limits.maxBodyBytes() + " bytes are accepted";
    }

    private CompletionStage<HttpResponse> refuse(String reason, int status, String message) {
        refused.get(reason).incrementAndGet();
        return CompletableFuture.completedFuture(text(status, message));
    }

    static HttpResponse text(int status, String message) {
        return HttpResponse.text(status, "text/plain", message + "\n");
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** Keeps what a client sent from reaching a response or log as control characters, and short. */
    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** Requests refused, by reason: path, query, headers, body, name, gateway, app. */
    Map<String, Long> refusals() {
        Map<String, Long> out = new LinkedHashMap<>();
        refused.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Requests that came from another node's gateway ({@link AppGateway#HOP_HEADER}). */
    long hops() {
        return hops.get();
    }

    /** Requests handed to the gateway. */
    long forwarded() {
        return forwarded.get();
    }
}
