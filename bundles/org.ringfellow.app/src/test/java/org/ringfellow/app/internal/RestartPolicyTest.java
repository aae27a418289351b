package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

    @Test
    void givenNoConfiguration_whenParsed_thenTheDefaultsApply() {
        assertEquals(RestartPolicy.DEFAULT, RestartPolicy.parse(Map.of()));
        assertEquals(new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 5, Duration.ofMinutes(10)),
                RestartPolicy.DEFAULT);
    }

    @Test
    void givenValuesAsConfigAdminGivesThem_whenParsed_thenEachIsRead() {
        RestartPolicy p = RestartPolicy.parse(Map.of("restartBackoffMillis", "250", "restartMaxBackoffMillis", 4000L,
                "restartMax", 0, "restartWindowSeconds", " 60 "));
        assertEquals(new RestartPolicy(Duration.ofMillis(250), Duration.ofSeconds(4), 0, Duration.ofMinutes(1)), p);
    }

    @Test
    void givenBackoff_whenFailuresAccumulate_thenTheWaitDoublesUpToTheLongest() {
        RestartPolicy p = new RestartPolicy(Duration.ofMillis(500), Duration.ofSeconds(3), 10, Duration.ofMinutes(5));
        assertEquals(Duration.ofMillis(500), p.backoffAfter(1));
        assertEquals(Duration.ofMillis(1000), p.backoffAfter(2));
        assertEquals(Duration.ofMillis(2000), p.backoffAfter(3));
        assertEquals(Duration.ofSeconds(3), p.backoffAfter(4));
        assertEquals(Duration.ofSeconds(3), p.backoffAfter(Integer.MAX_VALUE));
    }

    @Test
    void givenValuesOutOfRange_whenParsed_thenEachIsRefusedWithWhatIsAllowed() {
        Map<Map<String, Object>, String> bad = Map.of(
                Map.of("restartBackoffMillis", "99"), "restart backoff must be 100..3600000 ms",
                Map.of("restartBackoffMillis", "2000", "restartMaxBackoffMillis", "1000"),
                "restart max backoff must be 2000..3600000 ms",
                Map.of("restartMaxBackoffMillis", Long.MAX_VALUE), "restart max backoff must be",
                Map.of("restartMax", "-1"), "max restarts must be 0..100",
                Map.of("restartMax", "101"), "max restarts must be 0..100",
                Map.of("restartMax", 1L << 40), "max restarts must be 0..100",
                Map.of("restartWindowSeconds", "0"), "restart window must be 1000..86400000 ms",
                Map.of("restartWindowSeconds", "86401"), "restart window must be",
                Map.of("restartMax", "five"), "restartMax must be a whole number, got 'five'",
                Map.of("restartBackoffMillis", 1.5), "restartBackoffMillis must be a whole number");
        bad.forEach((config, expected) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RestartPolicy.parse(config),
                    config.toString());
            assertTrue(e.getMessage().startsWith(expected), config + ": " + e.getMessage());
        });
    }
}
