package org.ringfellow.api.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void givenDurations_thenEachIsInTheFirstBucketWhoseBoundHoldsIt() {
        LatencyHistogram h = new LatencyHistogram(0.001, 0.01);
        h.record(1_000_000); // exactly on the first bound: bounds are inclusive
        h.record(1_000_001);
        h.record(10_000_000);
        h.record(10_000_001); // above the last bound
        h.record(-5); // counted as 0
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(List.of(0.001, 0.01), s.upperBounds());
        assertEquals(List.of(2L, 2L, 1L), s.counts());
        assertEquals(5, s.count());
        assertEquals(0.022000002, s.sumSeconds(), 1e-15);
    }

    @Test
    void givenBadBounds_thenRefused() {
        assertThrows(IllegalArgumentException.class, LatencyHistogram::new);
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(0));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(0.1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(0.2, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(new double[33]));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram.Snapshot(List.of(1.0), List.of(1L),
                0));
    }
}
