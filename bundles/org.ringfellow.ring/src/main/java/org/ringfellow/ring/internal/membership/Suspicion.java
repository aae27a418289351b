package org.ringfellow.ring.internal.membership;

import java.util.HashSet;
import java.util.Set;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.ring.internal.clock.Scheduler;

/**
 * Lifeguard's dynamic suspicion timeout: it starts at {@code max} and shrinks towards
 * {@code min} as independent members confirm the suspicion, {@code k} confirmations reaching
 * {@code min}: a lone accuser needs patience, a crowd need not wait.
 */
final class Suspicion {

    private final Scheduler scheduler;
    private final int k;
    private final long min;
    private final long max;
    private final long start;
    private final Set<NodeId> confirmations = new HashSet<>();
    private final Runnable onTimeout;
    private Scheduler.Cancellable timer;

    Suspicion(Scheduler scheduler, NodeId accuser, int k, long min, long max, Runnable onTimeout) {
        this.scheduler = scheduler;
        this.k = k;
        this.min = min;
        this.max = max;
        this.onTimeout = onTimeout;
        this.start = scheduler.nowMillis();
        confirmations.add(accuser);
        timer = scheduler.schedule(k < 1 ? min : max, onTimeout);
    }

    static long timeout(int confirmations, int k, long min, long max) {
        if (k < 1) {
            return min;
        }
        double frac = Math.log(confirmations + 1.0) / Math.log(k + 1.0);
        long raw = (long) Math.floor(max - frac * (max - min));
        return Math.max(min, raw);
    }

    /** @return true if this was a new, independent confirmation (worth re-gossiping) */
    boolean confirm(NodeId from) {
        if (confirmations.size() - 1 >= k || !confirmations.add(from)) {
            return false;
        }
        long remaining = timeout(confirmations.size() - 1, k, min, max) - (scheduler.nowMillis() - start);
        timer.cancel();
        timer = scheduler.schedule(Math.max(0, remaining), onTimeout);
        return true;
    }

    /** @return true once {@code k} independent confirmations have shortened the timeout to its minimum */
    boolean saturated() {
        return confirmations.size() - 1 >= k;
    }

    boolean hasConfirmed(NodeId from) {
        return confirmations.contains(from);
    }

    int confirmationCount() {
        return confirmations.size() - 1;
    }

    void cancel() {
        timer.cancel();
    }
}
