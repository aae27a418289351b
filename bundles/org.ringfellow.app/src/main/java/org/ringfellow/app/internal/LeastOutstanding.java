package org.ringfellow.app.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counts the requests this node has sent to each target and not yet seen answered, and picks,
 * among candidates, one with the fewest (ties broken at random, so that idle targets share the
 * load). A target with none outstanding holds no entry, so the map is bounded by the requests
 * in flight. Safe on any thread.
 *
 * @param <K> what identifies a target
 */
final class LeastOutstanding<K> {

    private final ConcurrentHashMap<K, Integer> outstanding = new ConcurrentHashMap<>();

    /** A candidate with the fewest requests outstanding; empty if there is none. */
    Optional<K> pick(List<K> candidates) {
        int n = candidates.size();
        if (n == 0) {
            return Optional.empty();
        }
        int start = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
        K best = null;
        int least = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            K k = candidates.get((start + i) % n);
            int c = outstanding(k);
            if (c < least) {
                least = c;
                best = k;
            }
        }
        return Optional.of(best);
    }

    /** One more request sent to {@code target}. */
    void begin(K target) {
        outstanding.merge(target, 1, Integer::sum);
    }

    /** A request to {@code target} was answered or failed. */
    void end(K target) {
        outstanding.computeIfPresent(target, (k, v) -> v <= 1 ? null : v - 1);
    }

    /** The requests outstanding at {@code target}. */
    int outstanding(K target) {
        return outstanding.getOrDefault(target, 0);
    }

    /** How many targets have requests outstanding. */
    int targets() {
        return outstanding.size();
    }
}
