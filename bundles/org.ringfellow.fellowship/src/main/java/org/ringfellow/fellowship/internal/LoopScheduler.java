package org.ringfellow.fellowship.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The scheduler of a node: one Netty event loop (which also runs the fellowship channels) and the system clock. */
final class LoopScheduler implements Scheduler {

    private final EventLoopGroup group;
    private final EventLoop loop;

    /** @param group a group of one event loop; {@link #shutdown} shuts it down */
    LoopScheduler(EventLoopGroup group) {
        this.group = group;
        this.loop = group.next();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return loop.submit(task);
    }

    @Override
    public void schedule(Runnable task, long delay, TimeUnit unit) {
        loop.schedule(task, delay, unit);
    }

    @Override
    public void scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        loop.scheduleWithFixedDelay(task, initialDelay, delay, unit);
    }

    @Override
    public boolean inLoop() {
        return loop.inEventLoop();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void shutdown() {
        // no quiet period; tasks already queued see the engine closed and do nothing
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
