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
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.ring.internal.config.RingConfig;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;
import org.ringfellow.ring.internal.membership.Swim;
import org.ringfellow.ring.internal.transport.netty.NettyTransport;

/**
 * One live member on real sockets: a Netty transport and the protocol on one event loop.
 * Calls from other threads are handed to the loop and waited for.
 */
public final class RingRuntime {

    private final NettyTransport transport;
    private final Swim swim;

    private RingRuntime(NettyTransport transport, Swim swim) {
        this.transport = transport;
        this.swim = swim;
    }

    /** Binds the sockets and starts the protocol (alone, until {@link #join}). */
    public static RingRuntime start(EventLoop loop, RingConfig config, NodeIdentity identity, String name,
            ResourceAdvert advert, String bindHost, int port, String advertiseHost, int advertisePort,
            SignatureVerifier verifier, Consumer<RingEvent> listener) throws IOException {
        NettyTransport t = NettyTransport.bind(loop, bindHost, port, advertiseHost, advertisePort);
        // Wall-clock incarnation: a restarted member outranks every record of its previous life.
        Swim swim = new Swim(config, identity, name, advert, System.currentTimeMillis(), t, t.scheduler(),
                new Random(new SecureRandom().nextLong()), verifier, listener);
        RingRuntime r = new RingRuntime(t, swim);
        try {
            r.call(s -> {
                s.start();
                return null;
            });
        } catch (IOException e) {
            t.close();
            throw e;
        }
        return r;
    }

    public Endpoint address() {
        return transport.localAddress();
    }

    /** Runs {@code f} on the protocol thread and waits for its result. */
    public <T> T call(Function<Swim, T> f) throws IOException {
        if (transport.loop().inEventLoop()) {
            return f.apply(swim);
        }
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

    /** Joins through seeds; @return how many answered */
    public int join(List<Endpoint> seeds, long timeoutMillis) throws IOException {
        CompletableFuture<Integer> answered = new CompletableFuture<>();
        transport.loop().execute(() -> swim.join(seeds, answered::complete));
        try {
            return answered.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("join did not finish: " + e, e);
        }
    }

    /** Announces the departure, then stops. */
    public void leave(long timeoutMillis) throws IOException {
        CompletableFuture<Void> left = new CompletableFuture<>();
        transport.loop().execute(() -> swim.leave(() -> left.complete(null)));
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

    /** Stops without a word (what a crash looks like to others). */
    public void stop() {
        try {
            call(s -> {
                if (s.running()) {
                    s.stop();
                }
                return null;
            });
        } catch (IOException e) {
            transport.close();
        }
    }
}
