package org.ringfellow.fellowship.internal;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The engine's thread and clock: every task of the engine runs through one scheduler, one at a
 * time, and every time the engine reads comes from {@link #nanoTime()}. In a node it is the
 * Netty event loop that also runs the channels ({@link LoopScheduler}); in the simulation it is
 * a virtual clock that runs tasks in time order on the test's thread.
 */
public interface Scheduler {

    /**
     * Runs a task on the scheduler's thread, after the tasks already queued.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the scheduler is shut down
     */
    void execute(Runnable task);

    /** Runs a task on the scheduler's thread and returns its future (for a caller on another thread). */
    Future<?> submit(Runnable task);

    /** Runs a task once, after a delay. */
    void schedule(Runnable task, long delay, TimeUnit unit);

    /** Runs a task again and again, {@code delay} after the end of each run. */
    void scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit);

    /** Tells whether the caller runs on the scheduler's thread. */
    boolean inLoop();

    /** A monotonic clock, in nanoseconds; only differences mean anything. */
    long nanoTime();

    /** Stops running tasks; tasks still queued are dropped. */
    void shutdown();
}
