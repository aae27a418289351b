package org.ringfellow.job.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example job shipped in docs/examples/jobs reads, with the parameters docs/jobs.md says it has. */
class ExampleJobTest {

    @Test
    void thePrimesExampleReads() throws Exception {
        JobSpec spec = new JobFileReader().read(Path.of("../../docs/examples/jobs/primes.yaml"));
        assertEquals("primes", spec.name());
        assertEquals("base", spec.image());
        assertEquals(10, spec.inputs().size());
        assertEquals("1 10000", spec.inputs().get(0).line().orElseThrow());
        assertEquals("90001 100000", spec.inputs().get(9).line().orElseThrow());
        assertEquals(3, spec.members());
        assertEquals(2, spec.replication().minQuorum());
        assertEquals(2, spec.exclusion().minInvalid());
    }
}
