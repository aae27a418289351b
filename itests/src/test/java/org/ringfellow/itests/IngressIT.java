package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;

/**
 * The HTTP ingress on a booted node: installed as a feature (it is not in the boot features),
 * serving real HTTP on a free port set through {@code org.ops4j.pax.web}; first in front of the
 * deployment engine's gateway (and of none while the engine is stopped), then of a fake
 * {@link AppGateway} the test registers above it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IngressIT extends RingfellowTestSupport {

    private static final String FEATURE = "ringfellow-ingress";

    @Configuration
    public Option[] config() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Option> options = new ArrayList<>(Arrays.asList(baseConfig()));
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port",
                String.valueOf(port)));
        options.add(systemProperty("ingress.it.port").value(String.valueOf(port)));
        return options.toArray(new Option[0]);
    }

    /** Answers as the deployment engine would for three apps; records what it was given. */
    static final class FakeGateway implements AppGateway {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletionStage<HttpResponse> forward(String app, HttpRequest request) {
            seen.add(app + " " + request.method() + " " + request.path());
            switch (app) {
                case "echo":
                    String text = request.method() + " " + request.path() + "?" + request.query()
                            + " x-test=" + request.headers().get("x-test") + " body=" + request.body().length
                            + " uppercase-names=" + request.headers().keySet().stream()
                                    .anyMatch(k -> !k.equals(k.toLowerCase(java.util.Locale.ROOT)));
                    return CompletableFuture.completedFuture(new HttpResponse(200, Map.of("Content-Type",
                            "text/plain; charset=utf-8", "X-App", "echo"), text.getBytes(StandardCharsets.UTF_8)));
                case "slow":
                    // the answer comes later, from another thread: the servlet waits asynchronously
                    return CompletableFuture.supplyAsync(() -> HttpResponse.text(200, "text/plain", "late but here"),
                            CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS));
                case "starting":
                    return CompletableFuture.completedFuture(new HttpResponse(503, Map.of(RETRY_AFTER, "7",
                            "Content-Type", "text/plain; charset=utf-8"),
                            "app starting is starting: 1 of 3 members up".getBytes(StandardCharsets.UTF_8)));
                default:
                    return CompletableFuture.completedFuture(HttpResponse.text(404, "text/plain",
                            "no app named " + app + " is deployed"));
            }
        }
    }

    record Reply(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (name.equalsIgnoreCase(e.getKey())) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + System.getProperty("ingress.it.port");
    }

    private static Reply call(String method, String path, byte[] body, String... headers) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(base() + path).openConnection();
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(10_000);
        c.setReadTimeout(60_000);
        c.setRequestMethod(method);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            c.setRequestProperty(headers[i], headers[i + 1]);
        }
        if (body != null) {
            c.setDoOutput(true);
            c.setChunkedStreamingMode(64 * 1024);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Reply(status, c.getHeaderFields(), text);
    }

    /** Sends only a request head declaring a body over the limit, as a client about to upload would. */
    private static String rawHeadOnly(String path, long contentLength) throws IOException {
        try (Socket s = new Socket("127.0.0.1", Integer.getInteger("ingress.it.port"))) {
            s.setSoTimeout(60_000);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + contentLength + "\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            // the status line, the headers and the short body arrive together; stop at the body's end
            while (!got.toString(StandardCharsets.ISO_8859_1).contains("accepted\n")) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    public void givenTheIngressFeature_whenInstalled_thenAppsAreServedThroughTheGatewayWithinBounds()
            throws Exception {
        getOsgiService(BootFinished.class);
        assertNull("the ingress is not part of the boot features", bundle("org.ringfellow.ingress"));
        FeaturesService features = getOsgiService(FeaturesService.class);
        String out = executeCommand("feature:install " + FEATURE);
        assertFalse(out, out.contains("ERROR"));
        assertTrue(features.isInstalled(features.getFeature(FEATURE)));
        await("the ingress bundle is active", () -> bundle("org.ringfellow.ingress") != null
                && bundle("org.ringfellow.ingress").getState() == Bundle.ACTIVE);

        // the deployment engine in ringfellow-core is the gateway: an app nobody runs is a 404 from it
        Reply[] first = new Reply[1];
        await("the ingress answers on port " + System.getProperty("ingress.it.port"), () -> {
            try {
                first[0] = call("GET", "/apps/nobody/", null);
                return first[0].status() == 404 && first[0].body().contains("no app named 'nobody'");
            } catch (IOException e) {
                return false;
            }
        });

        // the engine stopped: no gateway, so 503, told to retry, and why; back when it starts again
        Bundle engine = bundle("org.ringfellow.app");
        engine.stop();
        try {
            await("503 without a gateway", () -> {
                try {
                    first[0] = call("GET", "/apps/calculator/", null);
                    return first[0].status() == 503;
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals("5", first[0].header("Retry-After"));
            assertTrue(first[0].body(), first[0].body().contains("no app gateway"));
        } finally {
            engine.start();
        }
        await("the engine's gateway is used again", () -> {
            try {
                return call("GET", "/apps/nobody/", null).status() == 404;
            } catch (IOException e) {
                return false;
            }
        });

        FakeGateway gateway = new FakeGateway();
        // ranked above the engine's: the ingress's greedy reference moves to it
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        ServiceRegistration<AppGateway> reg = bundleContext.registerService(AppGateway.class, gateway, props);
        try {
            await("the ingress uses the gateway", () -> {
                try {
                    return call("GET", "/apps/echo/", null).status() == 200;
                } catch (IOException e) {
                    return false;
                }
            });

            Reply echo = call("POST", "/apps/echo/api/x?y=1&z=%20", "hello".getBytes(StandardCharsets.UTF_8),
                    "X-Test", "abc");
            assertEquals(echo.body(), 200, echo.status());
            assertEquals("POST /api/x?y=1&z=%20 x-test=[abc] body=5 uppercase-names=false", echo.body());
            assertEquals("echo", echo.header("X-App"));

            Reply slow = call("GET", "/apps/slow/", null);
            assertEquals(200, slow.status());
            assertEquals("late but here", slow.body());

            Reply unknown = call("GET", "/apps/nobody/", null);
            assertEquals(404, unknown.status());
            assertEquals("no app named nobody is deployed", unknown.body());

            Reply starting = call("GET", "/apps/starting/page", null);
            assertEquals(503, starting.status());
            assertEquals("7", starting.header("Retry-After"));
            assertTrue(starting.body(), starting.body().contains("1 of 3 members up"));

            Reply redirect = call("GET", "/apps/echo?a=1", null);
            assertEquals(308, redirect.status());
            assertEquals("/apps/echo/?a=1", redirect.header("Location"));

            Reply badName = call("GET", "/apps/Not_An_App/", null);
            assertEquals(404, badName.status());
            assertTrue(badName.body(), badName.body().contains("app names are"));

            // a body one byte over 1 MiB, streamed without a declared length: read up to the limit, then refused
            Reply streamed = call("POST", "/apps/echo/upload", new byte[(1 << 20) + 1]);
            assertEquals(streamed.body(), 413, streamed.status());
            assertTrue(streamed.body(), streamed.body().contains("at most 1048576 bytes"));
            // a declared length over the limit: refused before a byte of the body is sent
            String raw = rawHeadOnly("/apps/echo/upload", 5L << 20);
            assertTrue(raw, raw.startsWith("HTTP/1.1 413"));
            assertTrue(raw, raw.contains("the request body is 5242880 bytes; at most 1048576 bytes are accepted"));
            // exactly at the limit: forwarded
            Reply atLimit = call("POST", "/apps/echo/upload", new byte[1 << 20]);
            assertEquals(200, atLimit.status());
            assertTrue(atLimit.body(), atLimit.body().contains("body=1048576"));

            String[] many = new String[2 * 120];
            for (int i = 0; i < 120; i++) {
                many[2 * i] = "X-H" + i;
                many[2 * i + 1] = "v";
            }
            Reply tooManyHeaders = call("GET", "/apps/echo/", null, many);
            assertEquals(tooManyHeaders.body(), 431, tooManyHeaders.status());

            assertFalse("refused requests never reach the gateway: " + gateway.seen,
                    gateway.seen.stream().anyMatch(s -> s.contains("upload") && !s.startsWith("echo POST /upload")));
            assertEquals("only the request at the limit was forwarded", 1,
                    gateway.seen.stream().filter(s -> s.endsWith("/upload")).count());
        } finally {
            reg.unregister();
        }
        // the test's gateway gone: back to the engine's, which runs no app named echo
        await("the engine answers again once the test's gateway is gone", () -> {
            try {
                Reply r = call("GET", "/apps/echo/", null);
                return r.status() == 404 && r.body().contains("no app named 'echo'");
            } catch (IOException e) {
                return false;
            }
        });
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElse(null);
    }
}
