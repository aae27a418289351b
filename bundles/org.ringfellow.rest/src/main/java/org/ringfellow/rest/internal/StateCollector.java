package org.ringfellow.rest.internal;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.ringfellow.api.app.AppMetrics;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.DriverInfo;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.node.LatencyHistogram;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, at each scrape, what the node's services already count and show: the Ring's
 * {@link RingStats} and probe round trips, the fellowships, their rosters and the fellowship
 * service's counters, the drivers, containers and start latencies, the apps, their members, their HTTP requests,
 * latency and restarts. A service that is absent gives no series; one that fails gives none this
 * time and counts in {@code ringfellow_metrics_collect_errors_total}.
 */
final class StateCollector implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(StateCollector.class);

    /** The most apps given series of their own in one scrape. */
    static final int MAX_APP_SERIES = 256;
    private static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final Api.Services services;
    private final Map<String, AtomicLong> errors = new TreeMap<>();

    StateCollector(Api.Services services) {
        this.services = services;
        for (String s : List.of("ring", "fellowships", "containers", "apps")) {
            errors.put(s, new AtomicLong());
        }
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        guarded("ring", () -> ring(out));
        guarded("fellowships", () -> fellowships(out));
        guarded("containers", () -> containers(out));
        guarded("apps", () -> apps(out));
        CounterSnapshot.Builder e = CounterSnapshot.builder().name("ringfellow_metrics_collect_errors")
                .help("Scrapes in which reading a service's state failed, by service");
        errors.forEach((k, v) -> e.dataPoint(counter(v.get(), "source", k)));
        out.add(e.build());
        return new MetricSnapshots(out);
    }

    private void guarded(String source, Runnable section) {
        try {
            section.run();
        } catch (RuntimeException ex) {
            errors.get(source).incrementAndGet();
            LOG.debug("metrics: reading {} failed", source, ex);
        }
    }

    private void ring(List<MetricSnapshot> out) {
        Optional<Ring> r = services.ring().get();
        if (r.isEmpty()) {
            return;
        }
        boolean running = r.get().view().isRunning();
        out.add(GaugeSnapshot.builder().name("ringfellow_ring_up").help("1 while this node's Ring member runs")
                .dataPoint(gauge(running ? 1 : 0)).build());
        if (!running) {
            return;
        }
        RingStats s = r.get().stats();
        GaugeSnapshot.Builder members = GaugeSnapshot.builder().name("ringfellow_ring_members")
                .help("Ring members this node sees, by state");
        for (MemberState st : MemberState.values()) {
            members.dataPoint(gauge(s.membersByState().getOrDefault(st, 0), "state", st.name()));
        }
        out.add(members.build());
        out.add(CounterSnapshot.builder().name("ringfellow_ring_messages").help("Ring protocol messages, by direction")
                .dataPoint(counter(s.messagesIn(), "direction", "in"))
                .dataPoint(counter(s.messagesOut(), "direction", "out")).build());
        out.add(CounterSnapshot.builder().name("ringfellow_ring_bytes").help("Ring protocol bytes, by direction")
                .dataPoint(counter(s.bytesIn(), "direction", "in"))
                .dataPoint(counter(s.bytesOut(), "direction", "out")).build());
        CounterSnapshot.Builder drops = CounterSnapshot.builder().name("ringfellow_ring_drops")
                .help("Ring messages dropped, by reason");
        new TreeMap<>(s.drops()).forEach((reason, n) -> drops.dataPoint(counter(n, "reason", reason)));
        out.add(drops.build());
        out.add(GaugeSnapshot.builder().name("ringfellow_ring_protocol_period_seconds")
                .help("The probe period now, after Lifeguard's health multiplier")
                .dataPoint(gauge(s.protocolPeriodMillis() / 1000.0)).build());
        out.add(GaugeSnapshot.builder().name("ringfellow_ring_health_multiplier")
                .help("Lifeguard's local health multiplier (0 = healthy)")
                .dataPoint(gauge(s.healthMultiplier())).build());
        out.add(HistogramSnapshot.builder().name("ringfellow_ring_probe_rtt_seconds")
                .help("Round trips of this node's probes answered directly, ping to ack")
                .dataPoint(histogram(r.get().probeRoundTrips())).build());
    }

    private void fellowships(List<MetricSnapshot> out) {
        Optional<FellowshipService> f = services.fellowships().get();
        if (f.isEmpty()) {
            return;
        }
        List<Fellowship> list = f.get().list();
        out.add(GaugeSnapshot.builder().name("ringfellow_fellowships").help("Fellowships this node is a member of")
                .dataPoint(gauge(list.size())).build());
        GaugeSnapshot.Builder members = GaugeSnapshot.builder().name("ringfellow_fellowship_members")
                .help("Members on the roster, by fellowship");
        GaugeSnapshot.Builder coordinating = GaugeSnapshot.builder().name("ringfellow_fellowship_coordinator")
                .help("1 where this node coordinates the fellowship");
        for (Fellowship fs : list) {
            members.dataPoint(gauge(fs.roster().members().size(), "fellowship", fs.id().value()));
            coordinating.dataPoint(gauge(fs.isCoordinator() ? 1 : 0, "fellowship", fs.id().value()));
        }
        out.add(members.build());
        out.add(coordinating.build());
        Map<String, Long> st = f.get().stats();
        if (st.isEmpty()) {
            return;
        }
        out.add(CounterSnapshot.builder().name("ringfellow_fellowship_frames")
                .help("Fellowship channel frames, by direction")
                .dataPoint(counter(st.getOrDefault("frames.in", 0L), "direction", "in"))
                .dataPoint(counter(st.getOrDefault("frames.out", 0L), "direction", "out")).build());
        out.add(CounterSnapshot.builder().name("ringfellow_fellowship_handshakes")
                .help("TLS handshakes of the fellowship channel, either side, by outcome")
                .dataPoint(counter(st.getOrDefault("handshake.completed", 0L), "outcome", "completed"))
                .dataPoint(counter(st.getOrDefault("handshake.failed", 0L), "outcome", "failed")).build());
        out.add(CounterSnapshot.builder().name("ringfellow_fellowship_handshake_rejections")
                .help("Failed handshakes the peer check refused (not on the roster, a wrong certificate)")
                .dataPoint(counter(st.getOrDefault("handshake.rejected", 0L))).build());
        out.add(CounterSnapshot.builder().name("ringfellow_fellowship_connect_failures")
                .help("Outgoing fellowship connections that failed")
                .dataPoint(counter(st.getOrDefault("connect.failures", 0L))).build());
        CounterSnapshot.Builder drops = CounterSnapshot.builder().name("ringfellow_fellowship_drops")
                .help("Fellowship frames and messages dropped, by reason");
        new TreeMap<>(st).forEach((k, v) -> {
            if (k.startsWith("drop.") && k.length() <= 64) {
                drops.dataPoint(counter(v, "reason", k.substring("drop.".length())));
            }
        });
        out.add(drops.build());
    }

    private void containers(List<MetricSnapshot> out) {
        Optional<ContainerManager> c = services.containers().get();
        if (c.isEmpty()) {
            return;
        }
        GaugeSnapshot.Builder drivers = GaugeSnapshot.builder().name("ringfellow_driver_health")
                .help("1 for each driver's current health");
        for (DriverInfo d : c.get().drivers()) {
            drivers.dataPoint(gauge(1, "driver", d.type(), "health", d.fingerprint().health().name()));
        }
        out.add(drivers.build());
        Map<List<String>, Integer> byKey = new TreeMap<>((a, b) -> String.join("/", a).compareTo(String.join("/", b)));
        for (ContainerInfo ci : c.get().list()) {
            byKey.merge(List.of(ci.driverType(), ci.state().name()), 1, Integer::sum);
        }
        GaugeSnapshot.Builder containers = GaugeSnapshot.builder().name("ringfellow_containers")
                .help("Containers on this node, by driver and state");
        byKey.forEach((k, n) -> containers.dataPoint(gauge(n, "driver", k.get(0), "state", k.get(1))));
        out.add(containers.build());
        HistogramSnapshot.Builder starts = HistogramSnapshot.builder().name("ringfellow_container_start_seconds")
                .help("Time a driver took to start a container (started ones only), by driver");
        new TreeMap<>(c.get().startLatencies()).forEach((driver, h) -> starts.dataPoint(histogram(h, "driver", driver)));
        out.add(starts.build());
    }

    private void apps(List<MetricSnapshot> out) {
        Optional<AppService> a = services.apps().get();
        if (a.isEmpty()) {
            return;
        }
        List<AppStatus> list = a.get().list();
        Map<AppState, Integer> byState = new TreeMap<>();
        for (AppStatus s : list) {
            byState.merge(s.state(), 1, Integer::sum);
        }
        GaugeSnapshot.Builder apps = GaugeSnapshot.builder().name("ringfellow_apps")
                .help("Apps this node knows, by state");
        for (AppState st : AppState.values()) {
            apps.dataPoint(gauge(byState.getOrDefault(st, 0), "state", st.name()));
        }
        out.add(apps.build());
        GaugeSnapshot.Builder members = GaugeSnapshot.builder().name("ringfellow_app_members")
                .help("An app's members, by state");
        for (AppStatus s : list) {
            Map<String, Integer> m = new TreeMap<>();
            for (MemberStatus ms : s.members()) {
                m.merge(ms.state() == null ? "UNKNOWN" : ms.state().name(), 1, Integer::sum);
            }
            m.forEach((st, n) -> members.dataPoint(gauge(n, "app", s.descriptor().name(), "state", st)));
        }
        out.add(members.build());
        appTraffic(a.get().metrics(), out);
    }

    /**
     * The apps' HTTP requests by status class, their latency and this node's restarts of its parts, as the app
     * engine counted them ({@link AppService#metrics()}: one entry per app that exists). The {@code app} label is
     * bounded twice: by the engine, and here by {@value #MAX_APP_SERIES} apps with names an app may have.
     */
    static void appTraffic(List<AppMetrics> metrics, List<MetricSnapshot> out) {
        CounterSnapshot.Builder requests = CounterSnapshot.builder().name("ringfellow_app_http_requests")
                .help("HTTP requests of an app answered, counted on the node whose ingress received them, by app "
                        + "and status class");
        HistogramSnapshot.Builder durations = HistogramSnapshot.builder()
                .name("ringfellow_app_http_request_duration_seconds")
                .help("Time from this node's ingress handing an app's request on until its answer, by app");
        CounterSnapshot.Builder restarts = CounterSnapshot.builder().name("ringfellow_app_restarts")
                .help("Restarts of this node's own part of an app after it failed, by app");
        int n = 0;
        for (AppMetrics m : metrics) {
            if (n == MAX_APP_SERIES || !APP_NAME.matcher(m.app()).matches()) {
                continue;
            }
            n++;
            for (String cls : AppMetrics.STATUS_CLASSES) {
                requests.dataPoint(counter(m.requests().get(cls), "app", m.app(), "status_class", cls));
            }
            durations.dataPoint(histogram(m.requestDuration(), "app", m.app()));
            restarts.dataPoint(counter(m.restarts(), "app", m.app()));
        }
        out.add(requests.build());
        out.add(durations.build());
        out.add(restarts.build());
    }

    private static GaugeDataPointSnapshot gauge(double v, String... labels) {
        return GaugeDataPointSnapshot.builder().value(v).labels(Labels.of(labels)).build();
    }

    private static HistogramDataPointSnapshot histogram(LatencyHistogram.Snapshot h, String... labels) {
        int n = h.upperBounds().size();
        double[] bounds = new double[n + 1];
        long[] counts = new long[n + 1];
        for (int i = 0; i < n; i++) {
            bounds[i] = h.upperBounds().get(i);
            counts[i] = h.counts().get(i);
        }
        bounds[n] = Double.POSITIVE_INFINITY;
        counts[n] = h.counts().get(n);
        return HistogramDataPointSnapshot.builder().classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(h.sumSeconds()).labels(Labels.of(labels)).build();
    }

    private static CounterDataPointSnapshot counter(double v, String... labels) {
        return CounterDataPointSnapshot.builder().value(v).labels(Labels.of(labels)).build();
    }
}
