package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipException;

/**
 * A caller's leave, resize and dissolve either happen or fail: they used to wait 10 s for the
 * engine's thread, log a warning and return as if they had succeeded, and the leave then still
 * ran whenever the thread got to it.
 */
class CallsCompleteOrFailTest {

    Cluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void givenTheEnginesThreadIsBusy_whenACallerLeaves_thenItFails_andNothingChanges() throws Exception {
        cluster = new Cluster(1);
        Cluster.Node node = cluster.node(0);
        Fellowship f = node.engine.create(SuccessionAndRepairTest.spec(1)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // the whiteboard replays the fellowship to a new listener on the engine's thread: hold it there
        node.engine.addListener(event -> {
            busy.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        node.engine.callTimeout = Duration.ofMillis(200);

        FellowshipException leave = assertThrows(FellowshipException.class, f::leave);
        assertTrue(leave.getMessage().contains("did not answer within 200 ms"), leave.getMessage());
        assertThrows(FellowshipException.class, () -> f.resize(2));
        assertThrows(FellowshipException.class, f::dissolve);

        release.countDown();
        // the withdrawn calls never run: the node is still the fellowship's only member, at size 1
        Cluster.await("the engine's thread is free", () -> node.engine.list().size() == 1);
        Thread.sleep(300);
        assertEquals(List.of(f), node.engine.list());
        assertEquals(1, node.engine.get(f.id()).orElseThrow().spec().targetSize());
        f.leave();
        assertTrue(node.engine.list().isEmpty(), "a leave that returns has happened");
    }

    @Test
    void givenAClosedEngine_thenEveryCallFails() throws Exception {
        cluster = new Cluster(1);
        Cluster.Node node = cluster.node(0);
        Fellowship f = node.engine.create(SuccessionAndRepairTest.spec(1)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        node.engine.close();
        FellowshipException e = assertThrows(FellowshipException.class, f::leave);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(FellowshipException.class, f::dissolve);
        assertThrows(FellowshipException.class, () -> f.resize(2));
    }
}
