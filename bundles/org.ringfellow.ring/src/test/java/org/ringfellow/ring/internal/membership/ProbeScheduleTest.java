package org.ringfellow.ring.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rotation's arithmetic: what every member computes alike must cover the ring. */
class ProbeScheduleTest {

    @Test
    void givenAnyRingSize_whenAPeriodIsComputed_thenEveryMemberIsProbedExactlyOnceAndNeverByItself() {
        ProbeSchedule s = new ProbeSchedule();
        for (int n : new int[] {2, 3, 7, 100, 1001}) {
            for (long t = -5; t < 3L * n; t++) {
                int offset = s.offset(t, n);
                assertTrue(offset >= 1 && offset <= n - 1, "offset " + offset + " for n=" + n);
                Set<Integer> probed = new HashSet<>();
                for (int p = 0; p < n; p++) {
                    int target = ProbeSchedule.target(p, offset, n);
                    assertNotEquals(p, target, "a member never probes itself");
                    probed.add(target);
                }
                assertEquals(n, probed.size(), "n=" + n + " period " + t + ": a rotation covers the ring");
            }
        }
    }

    @Test
    void givenAnEpochOfNMinusOnePeriods_whenOffsetsAreListed_thenEachMemberProbesEveryOtherOnce() {
        ProbeSchedule s = new ProbeSchedule();
        int n = 50;
        for (long epoch = 0; epoch < 4; epoch++) {
            Set<Integer> offsets = new HashSet<>();
            for (long t = epoch * (n - 1); t < (epoch + 1) * (n - 1); t++) {
                offsets.add(s.offset(t, n));
            }
            assertEquals(n - 1, offsets.size(), "epoch " + epoch + " should use every offset once");
        }
    }

    @Test
    void givenTwoScheduleInstances_whenAskedTheSamePeriod_thenTheyAgree() {
        ProbeSchedule a = new ProbeSchedule();
        ProbeSchedule b = new ProbeSchedule();
        Set<Integer> distinct = new HashSet<>();
        for (long t = 1_000_000; t < 1_000_200; t++) {
            assertEquals(a.offset(t, 300), b.offset(t, 300));
            distinct.add(a.offset(t, 300));
        }
        assertTrue(distinct.size() > 100, "offsets should vary from period to period");
    }

    @Test
    void givenTheTargetsOfOnePeriod_whenPhased_thenThePhasesAreDistinctAndInsideThePeriod() {
        int n = 100;
        Set<Long> phases = new HashSet<>();
        for (int q = 0; q < n; q++) {
            long phase = ProbeSchedule.phase(q, n, 1000);
            assertTrue(phase >= 0 && phase < 1000);
            phases.add(phase);
        }
        assertEquals(n, phases.size());
    }

    @Test
    void givenARingOfOne_whenAnOffsetIsAsked_thenItIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ProbeSchedule().offset(0, 1));
    }
}
