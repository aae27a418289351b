package org.ringfellow.ring.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.membership.Counters;
import org.ringfellow.ring.internal.relay.Reservations.Limits;
import org.ringfellow.ring.internal.relay.Reservations.Outcome;

/** The relay's reservation table: bounded, expiring, renewable, every refusal counted. */
class ReservationsTest {

    private static final Limits SMALL = new Limits(3, 10_000, 2, 4_096);

    private static NodeId id(long seed) {
        return LocalIdentity.generate(LocalIdentity.seeded(seed)).id();
    }

    @Test
    void givenAFloodOfReservations_thenTheTableStaysBoundedAndRefusalsAreCounted() {
        Counters counters = new Counters();
        Reservations table = new Reservations(SMALL, counters);
        java.util.List<NodeId> admitted = new java.util.ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            NodeId m = id(i);
            if (table.reserve(m, 0) == Outcome.ADMITTED) {
                admitted.add(m);
            }
        }
        assertEquals(3, admitted.size());
        assertEquals(3, table.size());
        assertEquals(997, counters.drops("relay-full"));
        for (NodeId m : admitted) {
            assertTrue(table.serves(m, 1), "a full table never evicts a live reservation");
        }
    }

    @Test
    void givenAMemberAlreadyServed_whenItAsksAgain_thenItsEntryIsRenewedNotDuplicated() {
        Reservations table = new Reservations(SMALL, new Counters());
        assertEquals(Outcome.ADMITTED, table.reserve(id(1), 0));
        assertEquals(Outcome.RENEWED, table.reserve(id(1), 5_000));
        assertEquals(1, table.size());
        assertEquals(Optional.of(15_000L), table.expiry(id(1), 5_000));
        assertTrue(table.serves(id(1), 14_999));
        assertFalse(table.serves(id(1), 15_000), "expired at its renewed expiry");
    }

    @Test
    void givenExpiredReservations_whenTheTableIsFull_thenTheyMakeRoom() {
        Counters counters = new Counters();
        Reservations table = new Reservations(SMALL, counters);
        for (int i = 0; i < 3; i++) {
            table.reserve(id(i), 0);
        }
        assertEquals(Outcome.FULL, table.reserve(id(9), 9_999));
        assertEquals(Outcome.ADMITTED, table.reserve(id(9), 10_000));
        assertEquals(1, table.size(), "the three expired ones were dropped");
        assertEquals(1, counters.drops("relay-full"));
    }

    @Test
    void givenAMemberNotServed_whenTrafficIsForwardedToIt_thenItIsRefusedAndCounted() {
        Counters counters = new Counters();
        Reservations table = new Reservations(SMALL, counters);
        assertFalse(table.openStream(id(5), 0));
        assertFalse(table.relay(id(5), 10, 0));
        table.reserve(id(5), 0);
        table.release(id(5));
        assertFalse(table.openStream(id(5), 1), "released");
        assertEquals(3, counters.drops("relay-not-served"));
    }

    @Test
    void givenAServedMember_thenItsStreamsAndBytesPerMinuteAreBounded() {
        Counters counters = new Counters();
        Reservations table = new Reservations(new Limits(3, 120_000, 2, 4_096), counters);
        NodeId m = id(7);
        table.reserve(m, 0);
        assertTrue(table.openStream(m, 0));
        assertTrue(table.openStream(m, 0));
        assertFalse(table.openStream(m, 0), "a third stream");
        table.closeStream(m);
        assertTrue(table.openStream(m, 0), "a closed stream frees its slot");
        assertTrue(table.relay(m, 4_000, 0));
        assertFalse(table.relay(m, 97, 1_000), "past 4,096 bytes in this minute");
        assertTrue(table.relay(m, 96, 1_000));
        assertEquals(Outcome.RENEWED, table.reserve(m, 55_000));
        assertTrue(table.relay(m, 4_096, 60_000), "a new minute, a new budget");
        assertEquals(1, counters.drops("relay-streams"));
        assertEquals(1, counters.drops("relay-bytes"));
        assertThrows(IllegalArgumentException.class, () -> table.relay(m, -1, 60_000));
    }

    @Test
    void givenLimitsOutOfRange_thenTheyAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Limits(0, 10_000, 2, 4_096));
        assertTrue(e.getMessage().contains("maxReservations"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Limits(3, 10, 2, 4_096));
        assertThrows(IllegalArgumentException.class, () -> new Limits(3, 10_000, 0, 4_096));
        assertThrows(IllegalArgumentException.class, () -> new Limits(3, 10_000, 2, 1));
        assertEquals(64, Limits.DEFAULT.maxReservations());
    }
}
