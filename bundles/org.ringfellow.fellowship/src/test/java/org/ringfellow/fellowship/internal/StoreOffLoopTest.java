package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.ring.MemberState;

/** A node store whose writes hang (a slow disk) does not stop the fellowship's thread. */
class StoreOffLoopTest {

    final CountDownLatch release = new CountDownLatch(1);
    FellowshipEngine engine;

    @AfterEach
    void close() {
        release.countDown();
        if (engine != null) {
            engine.close();
        }
    }

    /** A store whose every write waits until the test ends. */
    final class StuckStore implements NodeStore.Namespace {
        final MemoryStore inner = new MemoryStore();
        final CountDownLatch writing = new CountDownLatch(1);

        @Override
        public Optional<String> get(String key) {
            return inner.get(key);
        }

        @Override
        public void put(String key, String value) {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inner.put(key, value);
        }

        @Override
        public boolean remove(String key) {
            return inner.remove(key);
        }

        @Override
        public Map<String, String> entries() {
            return inner.entries();
        }
    }

    @Test
    void givenTheStoreWriteHangs_whenAFellowshipIsFounded_thenTheEngineThreadStillAnswers() throws Exception {
        TestIdentity id = new TestIdentity();
        FakeRing ring = new FakeRing(id.id(), new FakeRing.World());
        StuckStore store = new StuckStore();
        Settings s = new Settings(AdmissionPolicy.OPEN, "127.0.0.1", 0, Optional.of("127.0.0.1"),
                Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(5));
        engine = new FellowshipEngine(new TestNode(id, "n0", Cluster.CONTRIBUTED, Map.of()), ring, store, s);
        engine.start();

        engine.create(SuccessionAndRepairTest.spec(1)); // founding keeps the roster: a store write
        assertTrue(store.writing.await(30, TimeUnit.SECONDS), "the roster is being written");

        CountDownLatch answered = new CountDownLatch(1);
        // the whiteboard replays each fellowship to a new listener on the engine's thread
        engine.addListener(event -> answered.countDown());
        assertTrue(answered.await(30, TimeUnit.SECONDS), "the engine's thread runs while the write hangs");
        assertTrue(engine.get(SuccessionAndRepairTest.F).isPresent());
    }
}
