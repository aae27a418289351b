package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.Roster;

/**
 * The node's own Ring member stops (a restart, a port taken): the Ring then reads as an empty
 * view. The fellowship must neither throw nor judge its members by a view it does not have.
 */
class RingDownTest {

    Cluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void givenTheCoordinatorsRingIsDown_whenItComesBack_thenTheSameRosterAndCoordinatorCarryOn() throws Exception {
        cluster = new Cluster(3);
        Fellowship f = cluster.node(0).engine.create(SuccessionAndRepairTest.spec(3)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        Roster before = f.roster();
        Cluster.Node coordinator = cluster.byId(before.coordinator());

        coordinator.ring.down = true;
        // several of the engine's periodic checks (every 500 ms) with nobody known alive
        Thread.sleep(3_000);
        assertTrue(coordinator.fellowship(SuccessionAndRepairTest.F).orElseThrow().isCoordinator(),
                "a coordinator that cannot see the Ring does not step down on that alone");
        coordinator.ring.down = false;
        Thread.sleep(1_500);

        for (Cluster.Node n : cluster.alive()) {
            Roster r = n.fellowship(SuccessionAndRepairTest.F).orElseThrow().roster();
            assertEquals(before, r, n + " holds the roster it had before the Ring went down");
        }
        assertTrue(coordinator.fellowship(SuccessionAndRepairTest.F).orElseThrow().isCoordinator());
    }
}
