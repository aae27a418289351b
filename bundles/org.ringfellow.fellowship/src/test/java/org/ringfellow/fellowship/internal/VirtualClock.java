package org.ringfellow.fellowship.internal;

import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Simulated time for fellowship engines: one queue of tasks run in (time, insertion) order on
 * the caller's thread, so a run from a seed always replays the same way. Each simulated
 * machine is a {@link Host} with its own {@link Scheduler}; a host's tasks are dropped once it
 * shuts down (a crash), and {@link Scheduler#inLoop()} is true only while one of its tasks runs.
 */
final class VirtualClock {

    private record Event(long time, long seq, Host host, Runnable task) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private long executed;
    /** The host whose task runs now, or null (the test's own code, or a task of the simulation). */
    private Host current;
    /** Runs after every task: the simulation's invariant checks. */
    private Runnable afterEach = () -> { };

    /** The virtual time, in nanoseconds since the start. */
    long now() {
        return now;
    }

    long executed() {
        return executed;
    }

    void afterEach(Runnable check) {
        this.afterEach = check;
    }

    private void at(long delayNanos, Host host, Runnable task) {
        queue.add(new Event(now + Math.max(0, delayNanos), seq++, host, task));
    }

    /** Runs a task of the simulation itself (no host) after a delay. */
    void schedule(long delay, TimeUnit unit, Runnable task) {
        at(unit.toNanos(delay), null, task);
    }

    /** Runs every task due up to {@code time}, then sets the clock there. */
    void runUntil(long time) {
        while (!queue.isEmpty() && queue.peek().time <= time) {
            Event e = queue.poll();
            now = e.time;
            if (e.host != null && !e.host.running) {
                continue;
            }
            Host before = current;
            current = e.host;
            try {
                executed++;
                e.task.run();
            } finally {
                current = before;
            }
            afterEach.run();
        }
        now = Math.max(now, time);
    }

    void advance(long delay, TimeUnit unit) {
        runUntil(now + unit.toNanos(delay));
    }

    /**
     * Runs until {@code done} holds, checking every {@code step} of virtual time, for at most
     * {@code max}. @return whether it held
     */
    boolean runUntil(BooleanSupplier done, long step, long max, TimeUnit unit) {
        long deadline = now + unit.toNanos(max);
        while (true) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (now >= deadline) {
                return false;
            }
            runUntil(Math.min(deadline, now + unit.toNanos(step)));
        }
    }

    /** A new machine, running. */
    Host host(String name) {
        return new Host(name);
    }

    /** A simulated machine: one engine's thread. Its scheduler is given to one engine only. */
    final class Host implements Scheduler {
        final String name;
        private boolean running = true;

        private Host(String name) {
            this.name = name;
        }

        boolean running() {
            return running;
        }

        @Override
        public void execute(Runnable task) {
            if (!running) {
                throw new RejectedExecutionException("host " + name + " is shut down");
            }
            at(0, this, task);
        }

        @Override
        public Future<?> submit(Runnable task) {
            FutureTask<Object> f = new FutureTask<>(task, null);
            execute(f);
            return f;
        }

        /** Runs a task of this host on the clock (the test's actions: leave, dissolve...), now. */
        <T> Future<T> call(Callable<T> task) {
            FutureTask<T> f = new FutureTask<>(task);
            execute(f);
            return f;
        }

        @Override
        public void schedule(Runnable task, long delay, TimeUnit unit) {
            if (!running) {
                throw new RejectedExecutionException("host " + name + " is shut down");
            }
            at(unit.toNanos(delay), this, task);
        }

        @Override
        public void scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
            long step = unit.toNanos(delay);
            Runnable again = new Runnable() {
                @Override
                public void run() {
                    try {
                        task.run();
                    } finally {
                        if (running) {
                            at(step, Host.this, this);
                        }
                    }
                }
            };
            schedule(again, initialDelay, unit);
        }

        @Override
        public boolean inLoop() {
            return current == this;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        /** The crash: tasks still queued, and any asked for later, never run. */
        @Override
        public void shutdown() {
            running = false;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
