package org.ringfellow.job.internal.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ringfellow.job.internal.model.Exclusion;
import org.ringfellow.job.internal.model.Replication;

/**
 * Property-style: over many seeds, one member answering wrongly for a share of its tasks never gets a wrong result
 * accepted at quorum 2 without adaptive replication, and is always found and excluded.
 */
class CheaterTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void atQuorumTwoNoWrongResultIsAcceptedAndTheCheaterIsExcluded(long seed) {
        for (double fraction : new double[] {0.05, 0.3, 1.0}) {
            Simulation.Result r = Simulation.run(seed, 200, fraction, false);
            String what = "fraction " + fraction + ": " + r;
            assertEquals(0, r.wrongEverAccepted(), what);
            assertEquals(0, r.wrongAtEnd(), what);
            assertEquals(200, r.validated(), what);
            if (r.cheaterWrongRuns() >= Exclusion.DEFAULT.minInvalid()) {
                assertTrue(r.cheaterExcluded(), "a cheater with " + r.cheaterWrongRuns() + " wrong runs: " + what);
            }
            // every task ran at least twice; a wrong answer costs at most one more run
            assertTrue(r.runs() >= 400 && r.runs() <= 400 + r.cheaterWrongRuns() + 4, what);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void withAdaptiveReplicationOnlySoloRunsCanLetAWrongResultThroughAndTheCheaterIsStillExcluded(long seed) {
        Simulation.Result r = Simulation.run(seed, 400, 0.3, true);
        assertTrue(r.cheaterExcluded(), r.toString());
        assertEquals(400, r.validated(), r.toString());
        // the replicated path never accepts a wrong result; a wrong solo result from the cheater is opened
        // again when it is excluded, so what remains wrong at the end is at most what it got through
        assertTrue(r.wrongAtEnd() <= r.wrongEverAccepted(), r.toString());
        assertTrue(r.runsPerTask() < 2.0 + 0.1, "adaptive replication saves runs once members are trusted: " + r);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void churnLosesLeasesButEveryResultStaysRight(long seed) {
        Simulation.Result r = Simulation.run(seed, 200, 0.3, new Replication(2, 2, 3, 6, false), Exclusion.DEFAULT,
                1_000, 0);
        assertTrue(r.trace().contains("kill "), "members were killed");
        assertEquals(200, r.validated(), r.toString());
        assertEquals(0, r.wrongEverAccepted(), r.toString());
        assertTrue(r.cheaterExcluded(), r.toString());
    }
}
