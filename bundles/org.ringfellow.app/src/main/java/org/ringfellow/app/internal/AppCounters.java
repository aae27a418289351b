package org.ringfellow.app.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.ringfellow.api.app.AppMetrics;
import org.ringfellow.api.node.LatencyHistogram;

/**
 * The apps' HTTP requests (by status class), their latency and this node's restarts of its parts, for
 * {@link org.ringfellow.api.app.AppService#metrics()}. Any thread counts, without a lock. Bounded: an app gets its
 * counters only when the engine says it exists (see {@link AppEngine}), at most {@value #MAX_APPS} apps are
 * counted, and the counters of an app that no longer exists are dropped when the metrics are read.
 */
final class AppCounters {

    /** The most apps counted at once; past it, a new app is not counted until one is gone. */
    static final int MAX_APPS = 256;
    /** The request duration histogram's upper bounds, in seconds (the ingress gives up after 120 s). */
    static final double[] DURATION_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120};

    private static final class Counts {
        final LongAdder[] byClass = new LongAdder[AppMetrics.STATUS_CLASSES.size()];
        final LatencyHistogram duration = new LatencyHistogram(DURATION_BOUNDS);
        final LongAdder restarts = new LongAdder();

        Counts() {
            for (int i = 0; i < byClass.length; i++) {
                byClass[i] = new LongAdder();
            }
        }
    }

    private final Map<String, Counts> apps = new ConcurrentHashMap<>();

    private Counts of(String app) {
        Counts c = apps.get(app);
        if (c != null || apps.size() >= MAX_APPS) {
            return c;
        }
        return apps.computeIfAbsent(app, a -> new Counts());
    }

    /**
     * Counts one answered request of an app that exists.
     *
     * @param app the app
     * @param status the answer's HTTP status
     * @param nanos the time until the answer
     */
    void request(String app, int status, long nanos) {
        Counts c = of(app);
        if (c != null) {
            c.byClass[AppMetrics.STATUS_CLASSES.indexOf(AppMetrics.statusClass(status))].increment();
            c.duration.record(nanos);
        }
    }

    /** Counts one restart of this node's part of an app. */
    void restarted(String app) {
        Counts c = of(app);
        if (c != null) {
            c.restarts.increment();
        }
    }

    /**
     * The counts now: one entry for each app in {@code present} (zeros if nothing was counted yet) and for each
     * counted app that still {@code exists}; the counters of the others are dropped.
     *
     * @param present apps that certainly exist (this node runs a part of them)
     * @param exists whether an app counted before still exists
     * @return one entry per app, by name
     */
    List<AppMetrics> snapshot(Collection<String> present, Predicate<String> exists) {
        apps.keySet().removeIf(a -> !present.contains(a) && !exists.test(a));
        TreeSet<String> names = new TreeSet<>(apps.keySet());
        names.addAll(present);
        List<AppMetrics> out = new ArrayList<>(names.size());
        for (String name : names) {
            Counts c = apps.get(name);
            Map<String, Long> requests = new LinkedHashMap<>();
            for (int i = 0; i < AppMetrics.STATUS_CLASSES.size(); i++) {
                requests.put(AppMetrics.STATUS_CLASSES.get(i), c == null ? 0L : c.byClass[i].sum());
            }
            LatencyHistogram.Snapshot d = c == null ? new LatencyHistogram(DURATION_BOUNDS).snapshot()
                    : c.duration.snapshot();
            out.add(new AppMetrics(name, requests, d, c == null ? 0 : c.restarts.sum()));
        }
        return out;
    }
}
