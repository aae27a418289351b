package org.ringfellow.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppMetrics;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.DriverInfo;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.node.LatencyHistogram;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingStats;
import org.ringfellow.api.ring.RingView;

/**
 * /metrics' exposition, parsed line by line as Prometheus reads the text format: every sample
 * belongs to a family with HELP and TYPE, and carries the node's real counts.
 */
class NodeMetricsTest {

    /** One sample: name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The families' types and the samples of a text-format exposition; fails on a line it cannot read. */
    record Exposition(Map<String, String> types, List<Sample> samples) {

        private static final Pattern SAMPLE = Pattern.compile(
                "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( \\d+)?");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        static Exposition parse(String text) {
            Map<String, String> types = new HashMap<>();
            Set<String> helped = new java.util.HashSet<>();
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("# HELP ")) {
                    helped.add(line.split(" ")[2]);
                    continue;
                }
                if (line.startsWith("# TYPE ")) {
                    String[] p = line.split(" ");
                    assertEquals(4, p.length, line);
                    assertTrue(Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(p[3]), line);
                    types.put(p[2], p[3]);
                    continue;
                }
                Matcher m = SAMPLE.matcher(line);
                assertTrue(m.matches(), "not a sample line: " + line);
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(3) != null && !m.group(3).isEmpty()) {
                    Matcher l = LABEL.matcher(m.group(3));
                    int end = 0;
                    while (l.find() && l.start() == end) {
                        labels.put(l.group(1), l.group(2));
                        end = l.end();
                    }
                    assertEquals(m.group(3).length(), end, "bad labels in " + line);
                }
                double value = switch (m.group(4)) {
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    case "NaN" -> Double.NaN;
                    default -> Double.parseDouble(m.group(4));
                };
                String family = family(m.group(1), types);
                assertNotNull(family, "a sample without # TYPE before it: " + line);
                assertTrue(helped.contains(family), "a family without # HELP: " + family);
                samples.add(new Sample(m.group(1), labels, value));
            }
            return new Exposition(types, samples);
        }

        private static String family(String name, Map<String, String> types) {
            if (types.containsKey(name)) {
                return name;
            }
            for (String suffix : List.of("_total", "_bucket", "_count", "_sum", "_created")) {
                if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                    return name.substring(0, name.length() - suffix.length());
                }
            }
            return null;
        }

        Double value(String name, String... labels) {
            Map<String, String> want = new LinkedHashMap<>();
            for (int i = 0; i + 1 < labels.length; i += 2) {
                want.put(labels[i], labels[i + 1]);
            }
            return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(want))
                    .map(Sample::value).findFirst().orElse(null);
        }
    }

    private static <T> T fake(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (answers.containsKey(m.getName())) {
                Object v = answers.get(m.getName());
                if (v instanceof RuntimeException e) {
                    throw e;
                }
                return v;
            }
            if (m.getName().equals("toString")) {
                return "fake " + type.getSimpleName();
            }
            throw new UnsupportedOperationException(m.getName());
        }));
    }

    private static Member member(String hexDigit, MemberState state) {
        return new Member(new NodeId(hexDigit.repeat(64)), "n" + hexDigit, new Endpoint("127.0.0.1", 7946), 1, state,
                ResourceAdvert.EMPTY);
    }

    private static Api.Services services(Ring ring, ContainerManager cm, AppService apps) {
        return services(ring, null, cm, apps);
    }

    private static Api.Services services(Ring ring, FellowshipService f, ContainerManager cm, AppService apps) {
        return new Api.Services(Optional::empty, () -> Optional.ofNullable(ring), () -> Optional.ofNullable(f),
                () -> Optional.ofNullable(cm), () -> Optional.ofNullable(apps));
    }

    private static LatencyHistogram.Snapshot histogram(double[] bounds, long... nanos) {
        LatencyHistogram h = new LatencyHistogram(bounds);
        for (long n : nanos) {
            h.record(n);
        }
        return h.snapshot();
    }

    @Test
    void givenANodesServices_thenTheExpositionParsesAndCarriesTheirCounts() {
        Member self = member("a", MemberState.ALIVE);
        List<Member> members = List.of(self, member("b", MemberState.ALIVE), member("c", MemberState.SUSPECT));
        Ring ring = fake(Ring.class, Map.of("view", RingView.of(3, self, members), "stats",
                new RingStats(120, 130, 4096, 5120, Map.of("malformed", 2L, "bad-signature", 1L), 1500, 2,
                        Map.of(MemberState.ALIVE, 2, MemberState.SUSPECT, 1)),
                "probeRoundTrips", histogram(new double[] {0.001, 0.01}, 500_000, 2_000_000, 3_000_000, 20_000_000)));
        FellowshipService fellowships = fake(FellowshipService.class, Map.of("list", List.of(), "stats", Map.of(
                "frames.in", 40L, "frames.out", 41L, "handshake.completed", 6L, "handshake.failed", 3L,
                "handshake.rejected", 2L, "connect.failures", 1L, "drop.malformed", 5L, "drop.stale-epoch", 4L,
                "store.write-failures", 0L)));
        ContainerManager cm = fake(ContainerManager.class, Map.of(
                "drivers", List.of(new DriverInfo("runc", new Fingerprint(Health.HEALTHY, "1.1", "", Map.of()),
                        Set.of(), true)),
                "list", List.of(container("c1", ContainerState.RUNNING), container("c2", ContainerState.RUNNING),
                        container("c3", ContainerState.EXITED)),
                "startLatencies", Map.of("runc", histogram(new double[] {0.1, 1}, 50_000_000, 400_000_000),
                        "docker", histogram(new double[] {0.1, 1}, 2_000_000_000L))));
        AppDescriptor d = new AppDescriptor("calc", "1.0", 2, ResourceLimits.SMALL, "bundle", "x.App", Map.of());
        AppService apps = fake(AppService.class, Map.of("list", List.of(new AppStatus(d, "00".repeat(32),
                AppState.DEGRADED, "one restarting", List.of(
                        new MemberStatus("a".repeat(64), "na", "c1", "runc", AppState.RUNNING, ""),
                        new MemberStatus("b".repeat(64), "nb", "c9", "runc", AppState.FAILED, "exit 1")))),
                "metrics", List.of()));
        NodeMetrics metrics = new NodeMetrics(services(ring, fellowships, cm, apps));
        metrics.apiCall("GET", "/ring/members", 200, 2_000_000);
        metrics.apiCall("POST", "/jobs", 201, 2_000_000);
        metrics.apiCall("GET", "/../../etc/passwd", 404, 1_000_000);
        metrics.deploy(true, 12_000_000_000L);

        Exposition e = Exposition.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));

        assertEquals(1.0, e.value("ringfellow_ring_up"));
        assertEquals(2.0, e.value("ringfellow_ring_members", "state", "ALIVE"));
        assertEquals(1.0, e.value("ringfellow_ring_members", "state", "SUSPECT"));
        assertEquals(0.0, e.value("ringfellow_ring_members", "state", "DEAD"));
        assertEquals("counter", e.types().get("ringfellow_ring_messages_total"));
        assertEquals(120.0, e.value("ringfellow_ring_messages_total", "direction", "in"));
        assertEquals(5120.0, e.value("ringfellow_ring_bytes_total", "direction", "out"));
        assertEquals(2.0, e.value("ringfellow_ring_drops_total", "reason", "malformed"));
        assertEquals(1.5, e.value("ringfellow_ring_protocol_period_seconds"));
        assertEquals(2.0, e.value("ringfellow_ring_health_multiplier"));
        assertEquals(1.0, e.value("ringfellow_driver_health", "driver", "runc", "health", "HEALTHY"));
        assertEquals(2.0, e.value("ringfellow_containers", "driver", "runc", "state", "RUNNING"));
        assertEquals(1.0, e.value("ringfellow_containers", "driver", "runc", "state", "EXITED"));
        assertEquals(1.0, e.value("ringfellow_apps", "state", "DEGRADED"));
        assertEquals(0.0, e.value("ringfellow_apps", "state", "RUNNING"));
        assertEquals(1.0, e.value("ringfellow_app_members", "app", "calc", "state", "FAILED"));
        assertEquals(1.0, e.value("ringfellow_api_requests_total", "resource", "ring", "method", "GET", "code", "200"));
        assertEquals(1.0, e.value("ringfellow_api_requests_total", "resource", "other", "method", "GET", "code", "404"),
                "an unknown path is counted as other, never as a label of its own");
        assertEquals("histogram", e.types().get("ringfellow_api_request_duration_seconds"));
        assertEquals(1.0, e.value("ringfellow_api_request_duration_seconds_bucket", "resource", "ring", "le", "0.005"));
        assertEquals(0.0, e.value("ringfellow_api_request_duration_seconds_bucket", "resource", "ring", "le", "0.001"));
        assertEquals(1.0, e.value("ringfellow_app_deploy_duration_seconds_count", "outcome", "running"));
        assertEquals(0.0, e.value("ringfellow_app_deploy_duration_seconds_bucket", "outcome", "running", "le", "10.0"));
        assertEquals(1.0, e.value("ringfellow_app_deploy_duration_seconds_bucket", "outcome", "running", "le", "20.0"));
        assertEquals(0.0, e.value("ringfellow_metrics_collect_errors_total", "source", "ring"));
        assertEquals(1.0, e.value("ringfellow_api_requests_total", "resource", "jobs", "method", "POST", "code", "201"));

        // the probe round trips, bucket by bucket (cumulative in the text format)
        assertEquals("histogram", e.types().get("ringfellow_ring_probe_rtt_seconds"));
        assertEquals(1.0, e.value("ringfellow_ring_probe_rtt_seconds_bucket", "le", "0.001"));
        assertEquals(3.0, e.value("ringfellow_ring_probe_rtt_seconds_bucket", "le", "0.01"));
        assertEquals(4.0, e.value("ringfellow_ring_probe_rtt_seconds_bucket", "le", "+Inf"));
        assertEquals(4.0, e.value("ringfellow_ring_probe_rtt_seconds_count"));
        assertEquals(0.0255, e.value("ringfellow_ring_probe_rtt_seconds_sum"), 1e-12);
        // the fellowship service's counters
        assertEquals(40.0, e.value("ringfellow_fellowship_frames_total", "direction", "in"));
        assertEquals(41.0, e.value("ringfellow_fellowship_frames_total", "direction", "out"));
        assertEquals(6.0, e.value("ringfellow_fellowship_handshakes_total", "outcome", "completed"));
        assertEquals(3.0, e.value("ringfellow_fellowship_handshakes_total", "outcome", "failed"));
        assertEquals(2.0, e.value("ringfellow_fellowship_handshake_rejections_total"));
        assertEquals(1.0, e.value("ringfellow_fellowship_connect_failures_total"));
        assertEquals(5.0, e.value("ringfellow_fellowship_drops_total", "reason", "malformed"));
        assertEquals(4.0, e.value("ringfellow_fellowship_drops_total", "reason", "stale-epoch"));
        assertEquals(0.0, e.value("ringfellow_fellowships"));
        // containers' start latency by driver
        assertEquals("histogram", e.types().get("ringfellow_container_start_seconds"));
        assertEquals(1.0, e.value("ringfellow_container_start_seconds_bucket", "driver", "runc", "le", "0.1"));
        assertEquals(2.0, e.value("ringfellow_container_start_seconds_bucket", "driver", "runc", "le", "1.0"));
        assertEquals(2.0, e.value("ringfellow_container_start_seconds_count", "driver", "runc"));
        assertEquals(0.0, e.value("ringfellow_container_start_seconds_bucket", "driver", "docker", "le", "1.0"));
        assertEquals(1.0, e.value("ringfellow_container_start_seconds_bucket", "driver", "docker", "le", "+Inf"));
        assertEquals(2.0, e.value("ringfellow_container_start_seconds_sum", "driver", "docker"), 1e-12);
        assertEquals(0.0, e.value("ringfellow_metrics_collect_errors_total", "source", "fellowships"));
        assertEquals(0.0, e.value("ringfellow_metrics_collect_errors_total", "source", "containers"));
        assertEquals(0.0, e.value("ringfellow_metrics_collect_errors_total", "source", "apps"));
    }

    private static AppMetrics appMetrics(String app, long r2, long r3, long r4, long r5,
            LatencyHistogram.Snapshot duration, long restarts) {
        return new AppMetrics(app, Map.of("2xx", r2, "3xx", r3, "4xx", r4, "5xx", r5), duration, restarts);
    }

    @Test
    void givenTheAppsCounts_thenRequestsByStatusClassTheirLatencyBucketsAndRestartsAreInTheExposition() {
        double[] bounds = {0.01, 0.1, 1};
        AppService apps = fake(AppService.class, Map.of("list", List.of(), "metrics", List.of(
                appMetrics("calc", 3, 0, 1, 2, histogram(bounds, 5_000_000, 50_000_000, 60_000_000, 2_000_000_000L),
                        2),
                appMetrics("idle", 0, 0, 0, 0, histogram(bounds), 0),
                // a name no app may have never becomes a label
                appMetrics("Not An App", 1, 0, 0, 0, histogram(bounds, 1_000_000), 0))));
        Exposition e = Exposition.parse(new String(new NodeMetrics(services(null, null, apps)).scrape(),
                StandardCharsets.UTF_8));

        assertEquals("counter", e.types().get("ringfellow_app_http_requests_total"));
        assertEquals(3.0, e.value("ringfellow_app_http_requests_total", "app", "calc", "status_class", "2xx"));
        assertEquals(0.0, e.value("ringfellow_app_http_requests_total", "app", "calc", "status_class", "3xx"));
        assertEquals(1.0, e.value("ringfellow_app_http_requests_total", "app", "calc", "status_class", "4xx"));
        assertEquals(2.0, e.value("ringfellow_app_http_requests_total", "app", "calc", "status_class", "5xx"));
        assertEquals(0.0, e.value("ringfellow_app_http_requests_total", "app", "idle", "status_class", "2xx"));
        // the latency, bucket by bucket (cumulative in the text format)
        assertEquals("histogram", e.types().get("ringfellow_app_http_request_duration_seconds"));
        assertEquals(1.0, e.value("ringfellow_app_http_request_duration_seconds_bucket", "app", "calc", "le", "0.01"));
        assertEquals(3.0, e.value("ringfellow_app_http_request_duration_seconds_bucket", "app", "calc", "le", "0.1"));
        assertEquals(3.0, e.value("ringfellow_app_http_request_duration_seconds_bucket", "app", "calc", "le", "1.0"));
        assertEquals(4.0, e.value("ringfellow_app_http_request_duration_seconds_bucket", "app", "calc", "le", "+Inf"));
        assertEquals(4.0, e.value("ringfellow_app_http_request_duration_seconds_count", "app", "calc"));
        assertEquals(2.115, e.value("ringfellow_app_http_request_duration_seconds_sum", "app", "calc"), 1e-9);
        assertEquals(0.0, e.value("ringfellow_app_http_request_duration_seconds_count", "app", "idle"));
        assertEquals("counter", e.types().get("ringfellow_app_restarts_total"));
        assertEquals(2.0, e.value("ringfellow_app_restarts_total", "app", "calc"));
        assertEquals(0.0, e.value("ringfellow_app_restarts_total", "app", "idle"));
        assertTrue(e.samples().stream().noneMatch(x -> "Not An App".equals(x.labels().get("app"))), "a bad name");
        assertEquals(0.0, e.value("ringfellow_metrics_collect_errors_total", "source", "apps"));
    }

    @Test
    void givenMoreAppsThanTheBound_thenOnlyTheFirstOnesGetSeries() {
        List<AppMetrics> many = new ArrayList<>();
        for (int i = 0; i < StateCollector.MAX_APP_SERIES + 10; i++) {
            many.add(appMetrics(String.format("app%04d", i), 1, 0, 0, 0, histogram(new double[] {1}), 0));
        }
        AppService apps = fake(AppService.class, Map.of("list", List.of(), "metrics", many));
        Exposition e = Exposition.parse(new String(new NodeMetrics(services(null, null, apps)).scrape(),
                StandardCharsets.UTF_8));
        assertEquals(StateCollector.MAX_APP_SERIES, e.samples().stream()
                .filter(x -> x.name().equals("ringfellow_app_restarts_total")).count());
        assertNull(e.value("ringfellow_app_restarts_total", "app", String.format("app%04d", StateCollector.MAX_APP_SERIES)));
    }

    @Test
    void givenAFellowshipServiceWithoutCounters_thenNoFellowshipCounterFamilies() {
        FellowshipService f = fake(FellowshipService.class, Map.of("list", List.of(), "stats", Map.of()));
        Exposition e = Exposition.parse(new String(new NodeMetrics(services(null, f, null, null)).scrape(),
                StandardCharsets.UTF_8));
        assertEquals(0.0, e.value("ringfellow_fellowships"));
        assertFalse(e.types().containsKey("ringfellow_fellowship_handshakes"));
        assertEquals(0.0, e.value("ringfellow_metrics_collect_errors_total", "source", "fellowships"));
    }

    @Test
    void givenAFailingOrAbsentService_thenTheOthersAreStillScrapedAndTheFailureCounted() {
        Ring broken = fake(Ring.class, Map.of("view", new IllegalStateException("ring thread gone")));
        NodeMetrics metrics = new NodeMetrics(services(broken, null, null));
        metrics.apiCall("GET", "/node", 200, 1000);
        metrics.scrape();
        Exposition e = Exposition.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
        assertEquals(2.0, e.value("ringfellow_metrics_collect_errors_total", "source", "ring"));
        assertNull(e.value("ringfellow_ring_up"));
        assertFalse(e.types().containsKey("ringfellow_containers"), "no container manager, no container series");
        assertEquals("counter", e.types().get("ringfellow_api_requests_total"));
    }

    @Test
    void givenARingThatIsNotRunning_thenOnlyItsUpGaugeIsShown() {
        Ring stopped = fake(Ring.class, Map.of("view", RingView.EMPTY));
        Exposition e = Exposition.parse(new String(new NodeMetrics(services(stopped, null, null)).scrape(),
                StandardCharsets.UTF_8));
        assertEquals(0.0, e.value("ringfellow_ring_up"));
        assertNull(e.value("ringfellow_ring_members", "state", "ALIVE"));
    }

    @Test
    void scrapeAccess_followsTheSetting(@TempDir Path dir) throws Exception {
        ApiToken token = ApiToken.loadOrCreate(dir);
        String good = "Bearer " + java.nio.file.Files.readString(dir.resolve(ApiToken.FILE)).trim();
        MetricsServlet.Access open = new MetricsServlet.Access(ClientFilter.parse("loopback"), false);
        MetricsServlet.Access guarded = new MetricsServlet.Access(ClientFilter.parse("loopback"), true);
        assertNull(MetricsServlet.refusal(open, token, "GET", "127.0.0.1", null), "loopback scrapes without a token");
        assertEquals(403, MetricsServlet.refusal(open, token, "GET", "10.1.2.3", null).status());
        assertEquals(401, MetricsServlet.refusal(guarded, token, "GET", "127.0.0.1", null).status());
        assertEquals(401, MetricsServlet.refusal(guarded, token, "GET", "127.0.0.1", "Bearer " + "0".repeat(64))
                .status());
        assertNull(MetricsServlet.refusal(guarded, token, "GET", "::1", good));
        assertEquals(405, MetricsServlet.refusal(open, token, "POST", "127.0.0.1", null).status());
    }

    @Test
    void dashboardFiles_onlyPlainNamesAreServed() {
        assertEquals("index.html", UiServlet.file("/"));
        assertEquals("app.js", UiServlet.file("/app.js"));
        assertNull(UiServlet.file("/../openapi.json"));
        assertNull(UiServlet.file("/x/y.js"));
        assertNull(UiServlet.file("/app.class"));
    }

    private static ContainerInfo container(String id, ContainerState state) {
        return new ContainerInfo(id, "runc", state, "img", "busybox", ResourceLimits.SMALL, Instant.EPOCH,
                Optional.empty());
    }
}
