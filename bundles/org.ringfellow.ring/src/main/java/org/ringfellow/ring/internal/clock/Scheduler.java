package org.ringfellow.ring.internal.clock;

/**
 * The one thread a protocol instance runs on, and its clock. The protocol core is
 * single-threaded: every callback it receives (timers, transport input) runs through here, so
 * a virtual clock makes a whole simulated ring deterministic.
 */
public interface Scheduler {

    /** @return monotonic milliseconds */
    long nowMillis();

    /**
     * @return monotonic nanoseconds, for measuring short durations (a probe's round trip); the milliseconds'
     *     precision where the clock has no finer one (the simulator's)
     */
    default long nowNanos() {
        return nowMillis() * 1_000_000L;
    }

    /**
     * @return wall-clock milliseconds, for what members must agree on without talking (the
     *     probe schedule's period number); the simulator's virtual clock is both clocks
     */
    default long wallMillis() {
        return nowMillis();
    }

    /** Runs a task after a delay; the handle cancels it. */
    Cancellable schedule(long delayMillis, Runnable task);

    /** Runs a task soon, on the protocol thread. */
    void execute(Runnable task);

    /** @return true when called on the protocol thread */
    boolean inThread();

    /** A scheduled task that can be cancelled. */
    interface Cancellable {
        void cancel();
    }
}
