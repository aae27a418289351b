package org.ringfellow.job.internal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobsConfigTest {

    @Test
    void absentKeysTakeTheDefaults() {
        assertEquals(JobsConfig.DEFAULT, JobsConfig.parse(Map.of()));
        assertEquals(JobsConfig.DEFAULT, JobsConfig.parse(Map.of("dataDir", " ", "maxSlots", "")));
    }

    @Test
    void valuesAreReadFromTextAndNumbers() {
        JobsConfig c = JobsConfig.parse(Map.of("maxSlots", "4", "maxJobs", 3, "dataDir", "/var/jobs",
                "idleMillis", 250L, "answerTimeoutSeconds", "10", "tickMillis", "200"));
        assertEquals(new JobsConfig(4, 3, Optional.of(Path.of("/var/jobs")), Duration.ofMillis(250),
                Duration.ofSeconds(10), Duration.ofMillis(200)), c);
    }

    @Test
    void aBadValueIsRefusedNamingIt() {
        assertMessage("maxSlots must be 1..64, got 0", Map.of("maxSlots", "0"));
        assertMessage("maxSlots must be 1..64, got 65", Map.of("maxSlots", 65));
        assertMessage("maxJobs must be a whole number 1..64, got 'many'", Map.of("maxJobs", "many"));
        assertMessage("idleMillis must be 50..60000, got 10", Map.of("idleMillis", "10"));
        assertMessage("answerTimeoutSeconds must be 1..600, got 601", Map.of("answerTimeoutSeconds", "601"));
        assertMessage("tickMillis must be a whole number 100..60000, got '1.5'", Map.of("tickMillis", "1.5"));
        assertMessage("tickMillis must be a whole number 100..60000, got '2.5'", Map.of("tickMillis", 2.5d));
        assertMessage("dataDir must be an absolute path, got 'jobs'", Map.of("dataDir", "jobs"));
    }

    private static void assertMessage(String expected, Map<String, ?> config) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobsConfig.parse(config));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
