package org.ringfellow.ring.internal.membership;

import java.util.Random;

/**
 * The probe rotation every member computes alike, without talking: in protocol period
 * {@code t} (wall-clock time divided by the probe interval), the member at position {@code p}
 * of the sorted identifier ring of {@code n} members probes the member at
 * {@code (p + offset(t)) mod n}, at phase {@code target / n} of the period.
 *
 * <p>For one period the offsets map the ring onto itself (a rotation), so every member is
 * probed once, where independent random choices leave 1/e of the members (37 %) unprobed in a
 * period and the wait for a crashed member's first probe has a long tail. The phase belongs to
 * the target, so a member is probed at the same point of every period (one period apart,
 * whoever probes it) and the probes of a period are spread evenly over it. The offsets run
 * through a pseudo-random permutation of {@code 1..n-1} per epoch of {@code n - 1} periods,
 * drawn from the epoch number: within an epoch each member probes every other member once
 * (SWIM's round-robin bound) and is probed by every other member once (independent
 * confirmations of a suspicion).
 *
 * <p>Members agree only as far as their views and clocks agree; where they do not (during a
 * join or a death, or with clocks apart by a period), some members are probed twice in a
 * period and some not at all, as with random choice. Nothing else depends on agreement.
 */
final class ProbeSchedule {

    private long cachedEpoch = Long.MIN_VALUE;
    private int cachedSize;
    private int[] offsets;

    /** @return the period number of a wall-clock time */
    static long period(long wallMillis, long intervalMillis) {
        return Math.floorDiv(wallMillis, intervalMillis);
    }

    /** @return the offset, 1..n-1, that every member of a ring of {@code n >= 2} probes at in {@code period} */
    int offset(long period, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("a ring of " + n + " has no one to probe");
        }
        int span = n - 1;
        long epoch = Math.floorDiv(period, span);
        if (offsets == null || epoch != cachedEpoch || n != cachedSize) {
            offsets = permutation(epoch, n);
            cachedEpoch = epoch;
            cachedSize = n;
        }
        return offsets[(int) Math.floorMod(period, span)];
    }

    /** @return the position probed by the member at {@code self} */
    static int target(int self, int offset, int n) {
        return (int) (((long) self + offset) % n);
    }

    /** @return when in its period (ms from the period's start) the member at {@code target} is probed */
    static long phase(int target, int n, long intervalMillis) {
        return target * intervalMillis / n;
    }

    /**
     * 1..n-1 shuffled by java.util.Random seeded from (epoch, n): its algorithm is fixed by its
     * specification, so every JVM computes the same permutation.
     */
    private static int[] permutation(long epoch, int n) {
        int[] p = new int[n - 1];
        for (int i = 0; i < p.length; i++) {
            p[i] = i + 1;
        }
        Random r = new Random(epoch * 0x9E3779B97F4A7C15L ^ ((long) n << 32) ^ 0x52494E47L);
        for (int i = p.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
