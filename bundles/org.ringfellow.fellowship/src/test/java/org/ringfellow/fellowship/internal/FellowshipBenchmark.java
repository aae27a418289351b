package org.ringfellow.fellowship.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.tls.ChannelCredentials;

/**
 * Numbers, not assertions: run with
 * {@code mvn -B -o -pl bundles/org.ringfellow.fellowship -am verify -Dtest=FellowshipBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dringfellow.bench=true} and read the output.
 */
@EnabledIfSystemProperty(named = "ringfellow.bench", matches = "true")
class FellowshipBenchmark {

    static final int SIZE = 1024;
    static final int MESSAGES = 100_000;
    static final int ROUND_TRIPS = 5_000;

    static FellowshipSpec spec(String id, int size) {
        return new FellowshipSpec(new FellowshipId(id), size, new ResourceQuery(Resources.NONE, Set.of(), Set.of(),
                Map.of(), Set.of(), 100), Resources.NONE, Duration.ofSeconds(10));
    }

    @Test
    void messagingAgainstBareNettyTls() throws Exception {
        double[] bare = bareTls();
        try (Cluster c = new Cluster(2)) {
            Fellowship fa = c.node(0).engine.create(spec("bench", 2)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            Cluster.Node b = c.node(1);
            Cluster.await("b holds the roster", () -> b.fellowship(fa.id()).isPresent());
            Fellowship fb = b.fellowship(fa.id()).orElseThrow();
            AtomicLong received = new AtomicLong();
            fb.subscribe(e -> {
                if (e.type() == FellowshipEvent.Type.MESSAGE) {
                    if (e.message().get().isRequest()) {
                        try {
                            fb.reply(e.message().get(), e.message().get().payload());
                        } catch (FellowshipException ex) {
                            throw new IllegalStateException(ex);
                        }
                    } else {
                        received.incrementAndGet();
                    }
                }
            });
            byte[] payload = new byte[SIZE];
            // Warm up, then measure.
            blast(fa, b, payload, 20_000, received);
            received.set(0);
            long t0 = System.nanoTime();
            blast(fa, b, payload, MESSAGES, received);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = MESSAGES / seconds;
            long[] lat = new long[ROUND_TRIPS];
            for (int i = 0; i < 1000; i++) {
                fa.request(b.id(), "ping", payload, Duration.ofSeconds(10)).toCompletableFuture().get();
            }
            for (int i = 0; i < ROUND_TRIPS; i++) {
                long s = System.nanoTime();
                fa.request(b.id(), "ping", payload, Duration.ofSeconds(10)).toCompletableFuture().get();
                lat[i] = System.nanoTime() - s;
            }
            Arrays.sort(lat);
            System.out.printf("%nBENCH 1 KiB messages, one sender, loopback, TLS 1.3 (2 cores shared)%n");
            System.out.printf("BENCH bare Netty TLS      : %,10.0f msg/s   round trip p50 %6.1f us  p99 %6.1f us%n",
                    bare[0], bare[1] / 1e3, bare[2] / 1e3);
            System.out.printf("BENCH fellowship channel  : %,10.0f msg/s   round trip p50 %6.1f us  p99 %6.1f us%n",
                    rate, lat[ROUND_TRIPS / 2] / 1e3, lat[ROUND_TRIPS * 99 / 100] / 1e3);
            System.out.printf("BENCH fellowship / bare   : %5.1f %% of the throughput%n", 100 * rate / bare[0]);
        }
    }

    private static void blast(Fellowship fa, Cluster.Node b, byte[] payload, int n, AtomicLong received)
            throws Exception {
        for (int i = 0; i < n; i++) {
            while (true) {
                try {
                    fa.send(b.id(), "bulk", payload);
                    break;
                } catch (FellowshipException full) {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000); // backpressure: the budget is used up
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (received.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    /**
     * A bare Netty TLS 1.3 connection with the same JDK TLS, flush consolidation and framing as the
     * channel: length-prefixed 1 KiB frames one way, then an echo for latency.
     */
    private static double[] bareTls() throws Exception {
        TestIdentity id = new TestIdentity();
        ChannelCredentials creds = ChannelCredentials.create(id, Duration.ofDays(1));
        SslContext server = SslContextBuilder.forServer(creds.privateKey(), creds.certificate())
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3").clientAuth(ClientAuth.REQUIRE)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        SslContext client = SslContextBuilder.forClient().keyManager(creds.privateKey(), creds.certificate())
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3").endpointIdentificationAlgorithm(null)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        EventLoopGroup group = new NioEventLoopGroup(2);
        AtomicLong count = new AtomicLong();
        BlockingQueue<Object> echoes = new ArrayBlockingQueue<>(16);
        try {
            Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(server.newHandler(ch.alloc()), new FlushConsolidationHandler(64, true),
                                    new LengthFieldBasedFrameDecoder(
                                    1 << 21, 0, 4, 0, 4), new LengthFieldPrepender(4), new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            ByteBuf b = (ByteBuf) msg;
                                            if (b.getByte(0) == 1) {
                                                ctx.writeAndFlush(b); // echo
                                            } else {
                                                count.incrementAndGet();
                                                b.release();
                                            }
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((java.net.InetSocketAddress) listener.localAddress()).getPort();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new io.netty.channel.WriteBufferWaterMark(256 << 10,
                            1 << 20)).handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(client.newHandler(c.alloc()), new FlushConsolidationHandler(64, true),
                                    new LengthFieldBasedFrameDecoder(1 << 21,
                                    0, 4, 0, 4), new LengthFieldPrepender(4), new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            ((ByteBuf) msg).release();
                                            echoes.add(msg);
                                        }
                                    });
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            byte[] payload = new byte[SIZE];
            sendAll(ch, payload, 20_000, count);
            count.set(0);
            long t0 = System.nanoTime();
            sendAll(ch, payload, MESSAGES, count);
            double rate = MESSAGES / ((System.nanoTime() - t0) / 1e9);
            byte[] ping = new byte[SIZE];
            ping[0] = 1;
            long[] lat = new long[ROUND_TRIPS];
            for (int i = 0; i < 1000 + ROUND_TRIPS; i++) {
                long s = System.nanoTime();
                ch.writeAndFlush(Unpooled.wrappedBuffer(ping));
                echoes.take();
                if (i >= 1000) {
                    lat[i - 1000] = System.nanoTime() - s;
                }
            }
            Arrays.sort(lat);
            ch.close().sync();
            listener.close().sync();
            return new double[] {rate, lat[ROUND_TRIPS / 2], lat[ROUND_TRIPS * 99 / 100]};
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static void sendAll(Channel ch, byte[] payload, int n, AtomicLong count) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            while (!ch.isWritable()) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000); // the same backpressure: wait to drain
            }
            ch.writeAndFlush(Unpooled.wrappedBuffer(payload));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    @Test
    void formationAndReplacement() throws Exception {
        try (Cluster c = new Cluster(12)) {
            for (int size : new int[] {3, 10}) {
                for (int round = 0; round < 3; round++) {
                    String id = "form-" + size + "-" + round;
                    long t0 = System.nanoTime();
                    Fellowship f = c.node(0).engine.create(spec(id, size)).toCompletableFuture().get(60,
                            TimeUnit.SECONDS);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    System.out.printf("BENCH form a %2d-member fellowship: %7.1f ms%n", size, ms);
                    f.dissolve();
                    Cluster.await("all released", () -> c.nodes.stream().allMatch(n -> n.engine.get(f.id()).isEmpty()));
                }
            }
            Fellowship f = c.node(0).engine.create(spec("repair", 3)).toCompletableFuture().get(60, TimeUnit.SECONDS);
            Cluster.Node victim = c.byId(f.roster().members().get(2).node());
            long t0 = System.nanoTime();
            c.crash(victim);
            Cluster.await("replaced", () -> {
                var r = c.node(0).engine.get(f.id()).orElseThrow().roster();
                return r.members().size() == 3 && !r.contains(victim.id());
            });
            System.out.printf("BENCH replace a crashed member (from the Ring's DEAD to the new roster): %.1f ms%n",
                    (System.nanoTime() - t0) / 1e6);
        }
    }
}
