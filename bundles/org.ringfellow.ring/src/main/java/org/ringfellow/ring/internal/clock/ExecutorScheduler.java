package org.ringfellow.ring.internal.clock;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A scheduler on a real single-threaded executor (a Netty event loop in production). */
public final class ExecutorScheduler implements Scheduler {

    private final ScheduledExecutorService executor;
    private final BooleanSupplier inThread;

    public ExecutorScheduler(ScheduledExecutorService executor, BooleanSupplier inThread) {
        this.executor = executor;
        this.inThread = inThread;
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000L;
    }

    @Override
    public long nowNanos() {
        return System.nanoTime();
    }

    @Override
    public long wallMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public boolean inThread() {
        return inThread.getAsBoolean();
    }
}
