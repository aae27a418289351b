package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.AppMetrics;

class AppCountersTest {

    @Test
    void requestsAreCountedByStatusClassWithTheirDurationsAndRestartsApart() {
        AppCounters c = new AppCounters();
        c.request("calc", 200, 3_000_000);
        c.request("calc", 204, 40_000_000);
        c.request("calc", 301, 1_000_000);
        c.request("calc", 404, 1_000_000);
        c.request("calc", 503, 200_000_000_000L);
        c.request("calc", 42, 1_000_000);
        c.restarted("calc");
        c.restarted("calc");

        List<AppMetrics> all = c.snapshot(Set.of("calc"), a -> true);
        assertEquals(1, all.size());
        AppMetrics m = all.get(0);
        assertEquals(Map.of("2xx", 2L, "3xx", 1L, "4xx", 1L, "5xx", 2L), m.requests());
        assertEquals(2, m.restarts());
        assertEquals(6, m.requestDuration().count());
        List<Double> bounds = m.requestDuration().upperBounds();
        List<Long> counts = m.requestDuration().counts();
        assertEquals(4L, counts.get(bounds.indexOf(0.005)), "3 ms and three of 1 ms");
        assertEquals(1L, counts.get(bounds.indexOf(0.05)), "40 ms");
        assertEquals(1L, counts.get(bounds.size()), "200 s, above the highest bound");
        assertEquals(200.046, m.requestDuration().sumSeconds(), 1e-9);
    }

    @Test
    void appsThisNodeRunsAreListedWithZerosAndAnAppGoneIsDropped() {
        AppCounters c = new AppCounters();
        c.request("elsewhere", 200, 1_000_000);
        c.request("gone", 200, 1_000_000);
        List<AppMetrics> all = c.snapshot(Set.of("mine"), a -> a.equals("elsewhere"));
        assertEquals(List.of("elsewhere", "mine"), all.stream().map(AppMetrics::app).toList());
        assertEquals(0, all.get(1).requestsTotal());
        assertEquals(0, all.get(1).requestDuration().count());
        // once dropped, its counts start again from zero if it comes back
        c.request("gone", 500, 1_000_000);
        AppMetrics back = c.snapshot(Set.of(), a -> true).stream().filter(m -> m.app().equals("gone")).findFirst()
                .orElseThrow();
        assertEquals(Map.of("2xx", 0L, "3xx", 0L, "4xx", 0L, "5xx", 1L), back.requests());
    }

    @Test
    void atMostMaxAppsAreCounted() {
        AppCounters c = new AppCounters();
        for (int i = 0; i < AppCounters.MAX_APPS + 5; i++) {
            c.request("app" + i, 200, 1);
        }
        c.restarted("one-more");
        assertEquals(AppCounters.MAX_APPS, c.snapshot(Set.of(), a -> true).size());
    }
}
