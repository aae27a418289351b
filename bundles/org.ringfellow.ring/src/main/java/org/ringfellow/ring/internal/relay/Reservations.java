package org.ringfellow.ring.internal.relay;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.ring.internal.membership.Counters;

/**
 * A relay's reservation table (design in {@code docs/nat.md}): which unreachable members it
 * serves, each until an expiry it renews, with a bound on open streams and on bytes relayed per
 * minute. Bounded in entries; a full table refuses a newcomer rather than evicting a live
 * reservation (only expired ones make room). Every refusal is counted by reason:
 * {@code relay-full}, {@code relay-not-served}, {@code relay-streams}, {@code relay-bytes}.
 * Single-threaded (the member's protocol thread); time comes from the caller.
 */
public final class Reservations {

    /** What a relay allows; every value is checked. */
    public record Limits(int maxReservations, long ttlMillis, int maxStreams, long maxBytesPerMinute) {

        /** The defaults of the design: 64 reservations of 2 minutes, 8 streams and 64 MiB a minute each. */
        public static final Limits DEFAULT = new Limits(64, 120_000, 8, 64L << 20);

        public Limits {
            check("maxReservations", maxReservations, 1, 10_000);
            check("ttlMillis", ttlMillis, 1_000, 3_600_000);
            check("maxStreams", maxStreams, 1, 256);
            check("maxBytesPerMinute", maxBytesPerMinute, 1_024, 1L << 40);
        }

        private static void check(String name, long v, long min, long max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + v);
            }
        }
    }

    /** The outcome of a reservation request. */
    public enum Outcome {
        /** A new reservation. */
        ADMITTED,
        /** An existing reservation, renewed. */
        RENEWED,
        /** The table is full of live reservations. */
        FULL
    }

    private static final long MINUTE = 60_000;

    private static final class Entry {
        long expiresAt;
        int streams;
        long minute;
        long bytesThisMinute;
    }

    private final Limits limits;
    private final Counters counters;
    private final Map<NodeId, Entry> entries = new HashMap<>();

    public Reservations(Limits limits, Counters counters) {
        if (limits == null || counters == null) {
            throw new IllegalArgumentException("limits and counters are required");
        }
        this.limits = limits;
        this.counters = counters;
    }

    /** Admits or renews {@code member}'s reservation at {@code now}. */
    public Outcome reserve(NodeId member, long now) {
        Entry e = live(member, now);
        if (e != null) {
            e.expiresAt = now + limits.ttlMillis();
            return Outcome.RENEWED;
        }
        if (entries.size() >= limits.maxReservations()) {
            expire(now);
            if (entries.size() >= limits.maxReservations()) {
                counters.drop("relay-full");
                return Outcome.FULL;
            }
        }
        Entry fresh = new Entry();
        fresh.expiresAt = now + limits.ttlMillis();
        fresh.minute = now / MINUTE;
        entries.put(member, fresh);
        return Outcome.ADMITTED;
    }

    /** @return true if {@code member} holds a live reservation at {@code now} */
    public boolean serves(NodeId member, long now) {
        return live(member, now) != null;
    }

    /**
     * Opens a relayed stream to {@code member}.
     *
     * @return false (counted) if the member is not served or has all its streams open
     */
    public boolean openStream(NodeId member, long now) {
        Entry e = live(member, now);
        if (e == null) {
            counters.drop("relay-not-served");
            return false;
        }
        if (e.streams >= limits.maxStreams()) {
            counters.drop("relay-streams");
            return false;
        }
        e.streams++;
        return true;
    }

    /** Closes a relayed stream opened with {@link #openStream}. */
    public void closeStream(NodeId member) {
        Entry e = entries.get(member);
        if (e != null && e.streams > 0) {
            e.streams--;
        }
    }

    /**
     * Accounts {@code bytes} relayed to or from {@code member}.
     *
     * @return false (counted) if the member is not served or this would pass its bytes per minute
     */
    public boolean relay(NodeId member, long bytes, long now) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        }
        Entry e = live(member, now);
        if (e == null) {
            counters.drop("relay-not-served");
            return false;
        }
        long minute = now / MINUTE;
        if (minute != e.minute) {
            e.minute = minute;
            e.bytesThisMinute = 0;
        }
        if (e.bytesThisMinute + bytes > limits.maxBytesPerMinute()) {
            counters.drop("relay-bytes");
            return false;
        }
        e.bytesThisMinute += bytes;
        return true;
    }

    /** Ends a reservation at once (the member left, or its connection closed). */
    public void release(NodeId member) {
        entries.remove(member);
    }

    /** Drops every reservation expired at {@code now}. @return how many */
    public int expire(long now) {
        int before = entries.size();
        entries.values().removeIf(e -> e.expiresAt <= now);
        return before - entries.size();
    }

    /** @return how many reservations the table holds (expired ones not yet dropped included) */
    public int size() {
        return entries.size();
    }

    /** @return when {@code member}'s reservation expires, if it holds a live one */
    public Optional<Long> expiry(NodeId member, long now) {
        Entry e = live(member, now);
        return e == null ? Optional.empty() : Optional.of(e.expiresAt);
    }

    private Entry live(NodeId member, long now) {
        Entry e = entries.get(member);
        if (e != null && e.expiresAt <= now) {
            entries.remove(member);
            return null;
        }
        return e;
    }
}
