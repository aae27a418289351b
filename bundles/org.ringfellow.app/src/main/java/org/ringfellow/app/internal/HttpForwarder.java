package org.ringfellow.app.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;

/**
 * Passes an HTTP request for an app to the ingress of another node that runs it (the JDK's
 * HTTP client), marked so that it is not passed on again, and brings the answer back. The
 * answer is bounded like a request: a bigger body is refused with 502.
 */
final class HttpForwarder {

    static final int MAX_BODY = 16 * 1024 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(35);
    /** Headers the client sets itself or that belong to one connection only. */
    private static final Set<String> SKIP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "keep-alive", "te", "trailer", "transfer-encoding", "proxy-connection", "http2-settings");

    private final String hopHeader;
    /**
     * One client for every member, so that its pool keeps a connection open to each (HTTP/1.1
     * keep-alive; HTTP/1.1 only, so no {@code h2c} upgrade is tried on each new connection).
     */
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();

    HttpForwarder(String hopHeader) {
        this.hopHeader = hopHeader;
    }

    CompletionStage<HttpResponse> forward(String host, int port, String app, HttpRequest request) {
        URI uri;
        try {
            String h = host.contains(":") ? "[" + host + "]" : host;
            uri = URI.create("http://" + h + ":" + port + "/apps/" + app + request.path()
                    + (request.query().isEmpty() ? "" : "?" + request.query()));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(HttpResponse.text(400, "text/plain", "bad path\n"));
        }
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .method(request.method(), request.body().length == 0
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!SKIP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> {
                    try {
                        b.header(name, v);
                    } catch (IllegalArgumentException e) {
                        // a header the JDK client refuses to send is left out
                    }
                });
            }
        });
        b.header(hopHeader, "1");
        // the body is collected as it arrives (BoundedBody), never by a thread that waits for it: a
        // blocking read here held one of the very few common-pool threads per request in flight
        return client.sendAsync(b.build(), info -> new BoundedBody(MAX_BODY)).handle((r, e) -> {
            if (e != null) {
                return HttpResponse.text(502, "text/plain", "app " + app + ": the node running it (" + host + ":"
                        + port + ") did not answer: " + AppInstance.message(e) + "\n");
            }
            byte[] body = r.body();
            if (body == null) {
                return HttpResponse.text(502, "text/plain", "app " + app + ": the answer is over "
                        + (MAX_BODY >> 20) + " MiB\n");
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            r.headers().map().forEach((k, v) -> {
                if (!k.startsWith(":") && !SKIP.contains(k.toLowerCase(Locale.ROOT)) && !v.isEmpty()) {
                    headers.put(k, v.get(0));
                }
            });
            return new HttpResponse(r.statusCode(), headers, body);
        });
    }
}
