package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.ringfellow.fellowship.internal.wire.MalformedFrameException;

/** What the fellowship keeps across a crash, without an engine: the writes queued off the caller, read back on start. */
class MembershipStoreTest {

    static final FellowshipId F = SuccessionTest.F;
    final MemoryStore memory = new MemoryStore();
    /** The writer: tasks queue here until the test runs them. */
    final List<Runnable> queued = new ArrayList<>();
    final MembershipStore store = new MembershipStore(memory, queued::add);

    void runWrites() {
        List<Runnable> now = List.copyOf(queued);
        queued.clear();
        now.forEach(Runnable::run);
    }

    static Frame.RosterUpdate held(long version, long epoch) {
        Roster r = SuccessionTest.roster(version, epoch, SuccessionTest.A, SuccessionTest.A, SuccessionTest.B);
        RosterSignatures a = new RosterSignatures(SuccessionTest.A);
        return new Frame.RosterUpdate(r, a.sign(r), Map.of(SuccessionTest.B.id(), new byte[] {1, 2, 3}));
    }

    @Test
    void aKeptRosterIsWrittenByTheWriterAndReadsBackAsTheFrameItWas() throws Exception {
        Frame.RosterUpdate held = held(4, 2);
        store.keep(held, 3);
        assertEquals(1, queued.size(), "one write queued");
        assertTrue(memory.entries().isEmpty(), "nothing written on the caller's thread");
        runWrites();

        Map<FellowshipId, String> kept = store.kept();
        assertEquals(List.of(F), List.copyOf(kept.keySet()));
        Frame.RosterUpdate back = (Frame.RosterUpdate) MembershipStore.decode(kept.get(F));
        assertEquals(held.roster(), back.roster());
        assertArrayEquals(held.signature(), back.signature());
        assertArrayEquals(new byte[] {1, 2, 3}, back.votes().get(SuccessionTest.B.id()));
        assertTrue(new RosterSignatures(SuccessionTest.B).verify(back.roster(), back.signature()));
        assertEquals(Optional.of(3L), store.keptVote(F));
    }

    @Test
    void writesRunInTheOrderAsked() {
        store.keep(held(4, 2), 2);
        store.keep(held(5, 3), 3);
        store.forget(F);
        store.keep(held(6, 3), 4);
        runWrites();
        assertEquals(Optional.of(4L), store.keptVote(F));
        assertTrue(store.kept().get(F).equals(MembershipStore.encode(held(6, 3))), "the last roster kept");
    }

    @Test
    void aVoteIsSentOnlyAfterItsWriteSucceeded() {
        List<String> sent = new ArrayList<>();
        store.keepVote(F, 7, () -> sent.add("vote 7"));
        assertTrue(sent.isEmpty(), "not before the write");
        runWrites();
        assertEquals(List.of("vote 7"), sent);
        assertEquals(Optional.of(7L), store.keptVote(F));

        MembershipStore failing = new MembershipStore(new NodeStore.Namespace() {
            @Override
            public Optional<String> get(String key) {
                return Optional.empty();
            }

            @Override
            public void put(String key, String value) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public boolean remove(String key) {
                return false;
            }

            @Override
            public Map<String, String> entries() {
                return Map.of();
            }
        }, Runnable::run);
        failing.keepVote(F, 8, () -> sent.add("vote 8"));
        assertEquals(List.of("vote 7"), sent, "a vote whose write failed is not sent");
        assertEquals(1, failing.writeFailures());
    }

    @Test
    void forgettingAFellowshipRemovesItsRosterAndVoteOnly() {
        memory.put("other", "x");
        store.keep(held(4, 2), 3);
        runWrites();
        store.forget(F);
        assertTrue(store.kept().containsKey(F), "not before the write");
        runWrites();
        assertTrue(store.kept().isEmpty());
        assertEquals(Optional.empty(), store.keptVote(F));
        assertEquals(Map.of("other", "x"), memory.entries());
    }

    @Test
    void onStartUnreadableKeysAndLegacyReservationsGo() {
        memory.put("roster.Not An Id", "x");
        memory.put("roster.ok", "y");
        memory.put("reservation.ok", "{}");
        memory.put("vote.ok", "not a number");
        assertEquals(Map.of(new FellowshipId("ok"), "y"), store.kept());
        assertFalse(memory.get("roster.Not An Id").isPresent(), "a key naming no fellowship is removed");
        assertEquals(Optional.empty(), store.keptVote(new FellowshipId("ok")), "an unreadable vote is none");
        store.dropLegacy();
        assertEquals(Map.of("roster.ok", "y", "vote.ok", "not a number"), memory.entries());
        assertTrue(queued.isEmpty(), "reading back writes nothing through the writer");
    }

    @Test
    void whatIsNotAKeptFrameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MembershipStore.decode("not base64!"));
        assertThrows(MalformedFrameException.class, () -> MembershipStore.decode("AAAA"));
    }

    @Test
    void theStoresOwnWriterIsAThreadOfItsOwnAndStopsOnClose() throws Exception {
        MembershipStore own = new MembershipStore(memory, "n0");
        AtomicReference<String> thread = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        own.keepVote(F, 1, () -> {
            thread.set(Thread.currentThread().getName());
            done.countDown();
        });
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals("fellowship-store-n0", thread.get());
        own.close();
        own.keep(held(4, 2), 5); // refused by the stopped writer: logged, not done, not a failure
        assertEquals(Optional.of(1L), own.keptVote(F));
        assertEquals(0, own.writeFailures());
    }
}
