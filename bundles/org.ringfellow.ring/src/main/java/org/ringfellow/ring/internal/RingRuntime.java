package org.ringfellow.ring.internal;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.api.ring.RingView;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;
import org.ringfellow.ring.internal.membership.Swim;
import org.ringfellow.ring.internal.transport.netty.NettyTransport;

/**
 * One live member on real sockets: a Netty transport and the protocol on one event loop.
 * Nothing here blocks the loop: the member starts with {@link #startAsync}, and the few calls
 * that wait ({@link #call}, {@link #join}, {@link #leave}) refuse to run on an event loop.
 * {@link #view()} reads the protocol's published snapshot on any thread.
 */
public final class RingRuntime {

    private final NettyTransport transport;
    private final Swim swim;

    private RingRuntime(NettyTransport transport, Swim swim) {
        this.transport = transport;
        this.swim = swim;
    }

    /** Binds the sockets and starts the protocol, waiting; for threads that may block (tests). */
    public static RingRuntime start(EventLoop loop, RingConfig config, NodeIdentity identity, String name,
            ResourceAdvert advert, String bindHost, int port, String advertiseHost, int advertisePort,
            SignatureVerifier verifier, Consumer<RingEvent> listener) throws IOException {
        refuseOnEventLoop(loop);
        try {
            return startAsync(loop, config, identity, name, advert, bindHost, port, advertiseHost, advertisePort,
                    verifier, listener, null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Binds the sockets and starts the protocol (alone, until a join) without waiting: the
     * future completes on {@code loop}. Safe to call on {@code loop}.
     *
     * @param versions where the versions of the published views come from; null for the protocol's own
     */
    public static CompletableFuture<RingRuntime> startAsync(EventLoop loop, RingConfig config, NodeIdentity identity,
            String name, ResourceAdvert advert, String bindHost, int port, String advertiseHost, int advertisePort,
            SignatureVerifier verifier, Consumer<RingEvent> listener, LongSupplier versions) {
        return NettyTransport.bindAsync(loop, bindHost, port, advertiseHost, advertisePort).thenApply(t -> {
            // On the loop: the bind's listener completed the future there.
            try {
                // Wall-clock incarnation: a restarted member outranks every record of its previous life.
                Swim swim = new Swim(config, identity, name, advert, System.currentTimeMillis(), t, t.scheduler(),
                        new Random(new SecureRandom().nextLong()), verifier, listener);
                if (versions != null) {
                    swim.useVersions(versions);
                }
                swim.detectReachability(true);
                swim.start();
                return new RingRuntime(t, swim);
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        });
    }

    public Endpoint address() {
        return transport.localAddress();
    }

    /** @return the protocol; only for code running on {@link #loop()} */
    Swim swim() {
        return swim;
    }

    /** @return the protocol's event loop */
    EventLoop loop() {
        return transport.loop();
    }

    /** @return the latest snapshot of the view; any thread, no hand-off */
    public RingView view() {
        return swim.view();
    }

    /** Runs {@code f} on the protocol thread and waits for its result; runs it at once on the loop. */
    public <T> T call(Function<Swim, T> f) throws IOException {
        if (transport.loop().inEventLoop()) {
            return f.apply(swim);
        }
        refuseOnEventLoop(transport.loop());
        Callable<T> c = () -> f.apply(swim);
        try {
            return transport.loop().submit(c).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("ring protocol call failed: " + e, e);
        }
    }

    /** Runs {@code f} on the protocol thread without waiting. */
    public <T> CompletableFuture<T> callAsync(Function<Swim, T> f) {
        CompletableFuture<T> result = new CompletableFuture<>();
        transport.loop().execute(() -> {
            try {
                result.complete(f.apply(swim));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Joins through seeds without waiting; the future completes on the loop with how many answered. */
    public CompletableFuture<Integer> joinAsync(List<Endpoint> seeds) {
        CompletableFuture<Integer> answered = new CompletableFuture<>();
        if (transport.loop().inEventLoop()) {
            swim.join(seeds, answered::complete);
        } else {
            transport.loop().execute(() -> swim.join(seeds, answered::complete));
        }
        return answered;
    }

    /** Joins through seeds; @return how many answered */
    public int join(List<Endpoint> seeds, long timeoutMillis) throws IOException {
        refuseOnEventLoop(transport.loop());
        try {
            return joinAsync(seeds).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("join did not finish: " + e, e);
        }
    }

    /** Announces the departure, then stops, without waiting; {@code done} runs on the loop. */
    public void leaveAsync(Runnable done) {
        if (transport.loop().inEventLoop()) {
            swim.leave(done);
        } else {
            transport.loop().execute(() -> swim.leave(done));
        }
    }

    /** Announces the departure, then stops. */
    public void leave(long timeoutMillis) throws IOException {
        refuseOnEventLoop(transport.loop());
        CompletableFuture<Void> left = new CompletableFuture<>();
        leaveAsync(() -> left.complete(null));
        try {
            left.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("leave did not finish: " + e, e);
        } finally {
            stop();
        }
    }

    /** Stops without a word (what a crash looks like to others); never waits. */
    public void stop() {
        if (transport.loop().inEventLoop()) {
            stopNow();
        } else if (!transport.loop().isShuttingDown()) {
            transport.loop().execute(this::stopNow);
        } else {
            transport.close();
        }
    }

    private void stopNow() {
        if (swim.running()) {
            swim.stop();
        } else {
            transport.close();
        }
    }

    private static void refuseOnEventLoop(EventLoop loop) {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("a Ring call that waits may not run on an event loop");
        }
    }
}
