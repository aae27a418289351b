package org.ringfellow.ring.internal.sim;

import java.util.PriorityQueue;
import org.ringfellow.ring.internal.clock.Scheduler;

/**
 * Simulated time: a queue of events run in (time, insertion) order on the caller's thread, so
 * a run from a seed always replays the same way.
 */
public final class VirtualClock {

    private static final class Event implements Comparable<Event>, Scheduler.Cancellable {
        final long time;
        final long seq;
        final Runnable task;
        final Host host;
        boolean cancelled;

        Event(long time, long seq, Runnable task, Host host) {
            this.time = time;
            this.seq = seq;
            this.task = task;
            this.host = host;
        }

        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    /** A simulated machine: its timers die with it. */
    public static final class Host {
        private boolean up = true;
        private int generation;

        public boolean up() {
            return up;
        }

        public void crash() {
            up = false;
            generation++;
        }

        public void restart() {
            up = true;
            generation++;
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private long executed;

    public long now() {
        return now;
    }

    public long executedEvents() {
        return executed;
    }

    Scheduler.Cancellable at(long delay, Host host, Runnable task) {
        Event e = new Event(now + Math.max(0, delay), seq++, wrap(host, task), host);
        queue.add(e);
        return e;
    }

    private static Runnable wrap(Host host, Runnable task) {
        if (host == null) {
            return task;
        }
        int generation = host.generation;
        return () -> {
            if (host.up && host.generation == generation) {
                task.run();
            }
        };
    }

    /** Schedules a task of the simulation itself (not of a host). */
    public Scheduler.Cancellable schedule(long delay, Runnable task) {
        return at(delay, null, task);
    }

    /** A scheduler whose tasks run only while {@code host} is up in the same life. */
    public Scheduler scheduler(Host host) {
        return new Scheduler() {
            @Override
            public long nowMillis() {
                return now;
            }

            @Override
            public Cancellable schedule(long delayMillis, Runnable task) {
                return at(delayMillis, host, task);
            }

            @Override
            public void execute(Runnable task) {
                at(0, host, task);
            }

            @Override
            public boolean inThread() {
                return true;
            }
        };
    }

    /** Runs every event up to {@code now + millis}, then sets the clock there. */
    public void advance(long millis) {
        runUntil(now + millis);
    }

    public void runUntil(long time) {
        while (!queue.isEmpty() && queue.peek().time <= time) {
            Event e = queue.poll();
            now = e.time;
            if (!e.cancelled) {
                executed++;
                e.task.run();
            }
        }
        now = Math.max(now, time);
    }

    /**
     * Runs until {@code done} holds, checking every {@code stepMillis}, for at most
     * {@code maxMillis}. @return true if it held
     */
    public boolean runUntil(java.util.function.BooleanSupplier done, long stepMillis, long maxMillis) {
        long deadline = now + maxMillis;
        while (now < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            runUntil(Math.min(deadline, now + stepMillis));
        }
        return done.getAsBoolean();
    }
}
