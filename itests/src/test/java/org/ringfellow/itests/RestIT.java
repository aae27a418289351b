package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.node.NodeService;

/**
 * The REST API on a booted node: installed as a feature, answering real HTTP on a free port,
 * only with the node's bearer token, never to a cross-site request, with the node's real state.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RestIT extends RingfellowTestSupport {

    @Configuration
    public Option[] config() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Option> options = new ArrayList<>(Arrays.asList(baseConfig()));
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port",
                String.valueOf(port)));
        options.add(systemProperty("rest.it.port").value(String.valueOf(port)));
        return options.toArray(new Option[0]);
    }

    record Reply(int status, String body, String authenticate) {
    }

    private static Reply call(String method, String path, String body, String... headers) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + System.getProperty("rest.it.port")
                + path).openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(60_000);
        c.setRequestMethod(method);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            c.setRequestProperty(headers[i], headers[i + 1]);
        }
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Reply(status, text, c.getHeaderField("WWW-Authenticate"));
    }

    @Test
    public void givenTheRestFeature_thenOnlyTheTokenOpensTheApi_andItShowsTheNode() throws Exception {
        FeaturesService features = getOsgiService(FeaturesService.class);
        features.installFeature("ringfellow-rest", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        NodeService node = getOsgiService(NodeService.class);
        Path tokenFile = node.dataDirectory().resolve("api-token");
        await("the API made its token", () -> Files.exists(tokenFile));
        assertEquals("the token is for the node's owner only", "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        String token = Files.readString(tokenFile).trim();
        await("the API answers", () -> {
            try {
                return call("GET", "/api/v1/node", null).status() == 401;
            } catch (IOException e) {
                return false;
            }
        });

        Reply anonymous = call("GET", "/api/v1/node", null);
        assertEquals(401, anonymous.status());
        assertTrue(anonymous.authenticate(), anonymous.authenticate().startsWith("Bearer"));
        assertEquals(401, call("GET", "/api/v1/node", null, "Authorization", "Bearer " + "0".repeat(64)).status());

        Reply info = call("GET", "/api/v1/node", null, "Authorization", "Bearer " + token);
        assertEquals(info.body(), 200, info.status());
        assertTrue(info.body(), info.body().contains(node.identity().id().hex()));

        Reply spec = call("GET", "/api/v1/openapi.json", null, "Authorization", "Bearer " + token);
        assertEquals(200, spec.status());
        assertTrue(spec.body(), spec.body().contains("\"openapi\""));

        // HttpURLConnection drops an Origin header (a restricted header): the JDK's HttpClient sends it
        HttpResponse<String> crossSite = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + System.getProperty("rest.it.port") + "/api/v1/apps/calc/scale"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString("{\"size\":2}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(crossSite.body(), 403, crossSite.statusCode());
        assertTrue(crossSite.body(), crossSite.body().contains("cross-site"));

        Reply unknown = call("GET", "/api/v1/nothing-here", null, "Authorization", "Bearer " + token);
        assertEquals(404, unknown.status());
        assertTrue(unknown.body(), unknown.body().contains("no such API path"));

        Reply noSuchApp = call("GET", "/api/v1/apps/no-such-app", null, "Authorization", "Bearer " + token);
        assertEquals(noSuchApp.body(), 404, noSuchApp.status());

        jobsAreOptional(features, token);
        followsALogAsServerSentEvents(token, node.identity().id().hex());
    }

    /**
     * Without {@code ringfellow-jobs} the job routes answer 503 and the rest of the API works; once the feature is
     * installed the API picks the job service up (an optional, dynamic reference to the API's JobService) and answers
     * with its checks and messages.
     */
    private void jobsAreOptional(FeaturesService features, String token) throws Exception {
        String auth = "Bearer " + token;
        Reply absent = call("GET", "/api/v1/jobs", null, "Authorization", auth);
        assertEquals(absent.body(), 503, absent.status());
        assertTrue(absent.body(), absent.body().contains("ringfellow-jobs"));
        assertEquals(200, call("GET", "/api/v1/node", null, "Authorization", auth).status());

        features.installFeature("ringfellow-jobs", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        await("the API finds the job service", () -> {
            try {
                return call("GET", "/api/v1/jobs", null, "Authorization", auth).status() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        Reply none = call("GET", "/api/v1/jobs", null, "Authorization", auth);
        assertEquals(none.body(), "[ ]", none.body().trim());
        Reply missing = call("GET", "/api/v1/jobs/nope-00000000", null, "Authorization", auth);
        assertEquals(missing.body(), 404, missing.status());
        assertTrue(missing.body(), missing.body().contains("no job nope-00000000 on this node (see job:list)"));
        // a job file without a name, read by the job bundle's own reader on the node
        Reply refused = call("POST", "/api/v1/jobs", "image: base\ncommand: [cat]\ninputs: {lines: [\"1\"]}\n",
                "Authorization", auth, "Content-Type", "application/yaml");
        assertEquals(refused.body(), 400, refused.status());
        assertTrue(refused.body(), refused.body().contains("name is required"));
    }

    /**
     * An app whose log grows by one line per read, then is undeployed: the stream carries each
     * line, the offset to resume from, and ends with the reason.
     */
    private void followsALogAsServerSentEvents(String token, String self) throws Exception {
        AppService fake = new AppService() {
            final AtomicInteger reads = new AtomicInteger();

            @Override
            public AppStatus deploy(URI artifact, Consumer<String> progress) throws AppException {
                throw new AppException("not here");
            }

            @Override
            public List<AppStatus> list() {
                return List.of(status("tail").orElseThrow());
            }

            @Override
            public Optional<AppStatus> status(String name) {
                AppDescriptor d = new AppDescriptor(name, "1.0", 1, ResourceLimits.SMALL, "bundle", "x.App", Map.of());
                return name.equals("tail") ? Optional.of(new AppStatus(d, "00".repeat(32), AppState.RUNNING, "running",
                        List.of(new MemberStatus(self, "n1", "c1", "runc", AppState.RUNNING, "")))) : Optional.empty();
            }

            @Override
            public AppStatus scale(String name, int size) throws AppException {
                throw new AppException("not here");
            }

            @Override
            public LogSlice logs(String name, String member, long fromOffset) throws AppException {
                int n = reads.incrementAndGet();
                if (n > 3) {
                    throw new AppException("app tail was undeployed");
                }
                String line = "line " + n + " from " + fromOffset + "\n";
                return new LogSlice(line, fromOffset + line.length());
            }

            @Override
            public int send(String name, String member, String topic, byte[] payload) throws AppException {
                throw new AppException("not here");
            }

            @Override
            public void undeploy(String name) throws AppException {
                throw new AppException("not here");
            }
        };
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, 1000);
        ServiceRegistration<AppService> reg = bundleContext.registerService(AppService.class, fake, props);
        try {
            HttpResponse<Stream<String>> stream = null;
            List<String> lines = List.of();
            // the API binds the higher-ranked service shortly after it is registered
            for (int attempt = 0; attempt < 50; attempt++) {
                stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + System.getProperty("rest.it.port") + "/api/v1/apps/tail/logs?follow&offset=10"))
                        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofLines());
                if (stream.statusCode() == 200) {
                    break;
                }
                stream.body().close();
                Thread.sleep(200);
            }
            assertEquals(200, stream.statusCode());
            assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            lines = stream.body().collect(Collectors.toList());
            String all = String.join("\n", lines);
            assertTrue(all, all.contains("event: log\nid: 25\ndata: line 1 from 10\n"));
            assertTrue(all, all.contains("data: line 2 from 25"));
            assertTrue(all, all.contains("data: line 3 from"));
            assertTrue(all, all.strip().endsWith("event: end\ndata: app tail was undeployed"));
        } finally {
            reg.unregister();
        }
    }
}
