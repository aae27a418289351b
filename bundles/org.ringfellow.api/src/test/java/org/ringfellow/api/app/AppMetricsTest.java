package org.ringfellow.api.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.LatencyHistogram;

class AppMetricsTest {

    private static final LatencyHistogram.Snapshot NONE = new LatencyHistogram(1).snapshot();

    @Test
    void statusesFallIntoTheirClassesAndAnythingOutside200To499IsAServerError() {
        assertEquals("2xx", AppMetrics.statusClass(200));
        assertEquals("2xx", AppMetrics.statusClass(299));
        assertEquals("3xx", AppMetrics.statusClass(308));
        assertEquals("4xx", AppMetrics.statusClass(400));
        assertEquals("4xx", AppMetrics.statusClass(499));
        assertEquals("5xx", AppMetrics.statusClass(500));
        assertEquals("5xx", AppMetrics.statusClass(599));
        assertEquals("5xx", AppMetrics.statusClass(101));
        assertEquals("5xx", AppMetrics.statusClass(0));
        assertEquals("5xx", AppMetrics.statusClass(700));
    }

    @Test
    void theRecordKeepsACopyInClassOrderAndRefusesOtherClassesOrNegativeCounts() {
        Map<String, Long> given = new HashMap<>(Map.of("5xx", 1L, "2xx", 4L, "4xx", 0L, "3xx", 2L));
        AppMetrics m = new AppMetrics("calc", given, NONE, 3);
        given.put("2xx", 99L);
        assertEquals(List.of("2xx", "3xx", "4xx", "5xx"), List.copyOf(m.requests().keySet()));
        assertEquals(4L, m.requests().get("2xx"));
        assertEquals(7, m.requestsTotal());
        assertThrows(UnsupportedOperationException.class, () -> m.requests().put("2xx", 0L));
        assertThrows(IllegalArgumentException.class, () -> new AppMetrics("calc", Map.of("2xx", 1L), NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> new AppMetrics("calc",
                Map.of("2xx", 1L, "3xx", 0L, "4xx", 0L, "5xx", 0L, "1xx", 0L), NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> new AppMetrics("calc",
                Map.of("2xx", -1L, "3xx", 0L, "4xx", 0L, "5xx", 0L), NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> new AppMetrics("calc",
                Map.of("2xx", 1L, "3xx", 0L, "4xx", 0L, "5xx", 0L), NONE, -1));
    }
}
