package org.ringfellow.app.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One serial queue per app on a shared executor: tasks of one app run one at a time in the
 * order given, tasks of different apps run side by side. The fellowship listener only decodes
 * an event and puts it here, so the fellowship's own thread never waits on the node store, a
 * file or a container. Each queue is bounded; a task beyond the bound is dropped and counted.
 */
final class Lanes {

    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);
    /** Tasks one app may have waiting. */
    static final int MAX_QUEUED = 10_000;

    private final Executor executor;
    /** Queues with work waiting or running, by app; guarded by {@code this}. */
    private final Map<String, ArrayDeque<Runnable>> queues = new HashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    Lanes(Executor executor) {
        this.executor = executor;
    }

    /**
     * Queues a task behind the app's earlier ones.
     *
     * @return false if it was dropped (the app's queue is full or the executor is shut down)
     */
    boolean execute(String app, Runnable task) {
        boolean first;
        synchronized (this) {
            ArrayDeque<Runnable> q = queues.get(app);
            first = q == null;
            if (first) {
                q = new ArrayDeque<>();
                queues.put(app, q);
            } else if (q.size() >= MAX_QUEUED) {
                long n = dropped.incrementAndGet();
                LOG.warn("App {}: an event was dropped, its queue holds {} already ({} dropped so far)", app,
                        MAX_QUEUED, n);
                return false;
            }
            q.add(task);
        }
        if (first) {
            try {
                executor.execute(() -> drain(app));
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    queues.remove(app);
                }
                return false;
            }
        }
        return true;
    }

    private void drain(String app) {
        while (true) {
            Runnable task;
            synchronized (this) {
                ArrayDeque<Runnable> q = queues.get(app);
                task = q == null ? null : q.poll();
                if (task == null) {
                    queues.remove(app);
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("App {}: an event failed: {}", app, e.toString());
            }
        }
    }

    long dropped() {
        return dropped.get();
    }
}
