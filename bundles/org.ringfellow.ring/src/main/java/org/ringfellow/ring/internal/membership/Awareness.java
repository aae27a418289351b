package org.ringfellow.ring.internal.membership;

/**
 * Lifeguard's local health multiplier: a member that misses acks or nacks, or has to refute
 * suspicions of itself, is probably the slow one, so it stretches its own probe period and
 * timeouts instead of accusing healthy peers.
 */
final class Awareness {

    private final int max;
    /** Written on the protocol thread; read by {@link Swim#stats()} on any. */
    private volatile int score;

    Awareness(int max) {
        this.max = max;
    }

    void apply(int delta) {
        score = Math.max(0, Math.min(max - 1, score + delta));
    }

    int score() {
        return score;
    }

    long scale(long millis) {
        return millis * (score + 1);
    }
}
