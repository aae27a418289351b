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
import io.netty.channel.WriteBufferWaterMark;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.tls.ChannelCredentials;

/**
 * The fellowship benchmark of issue 6 point 9 (see README.md). In the engine's package because
 * it drives the engine through the bundle's test harness (a test-jar), outside OSGi.
 *
 * <ul>
 * <li><b>messaging</b>: 1 KiB messages one way between two members on loopback, and
 * request/reply round trips, against a bare Netty TLS 1.3 connection in the same run, rounds
 * alternating (bare, fellowship, bare, ...). The baseline has what the channel has and nothing
 * else: the same JDK TLS, mutual authentication, flush consolidation, length framing, thread
 * layout (each side's connection on one event loop; a message is sent from the caller's
 * thread) and the same backpressure (at most 8 MiB written but not yet sent); the fellowship
 * adds its frame codec (the payload copied into the frame on send and out of it on receipt,
 * where the bare side writes the caller's array and drops what it reads), the roster check
 * and the event delivery, on the receiving connection's event loop.</li>
 * <li><b>formation</b> of 3- and 10-member fellowships and <b>replacement</b> of a crashed
 * member, on the real Ring protocol over its simulated network (probe 200 ms), and the
 * replacement once more with a Ring that reports the death at once (the fellowship's own
 * share).</li>
 * </ul>
 */
public final class FellowshipBench {

    static final int SIZE = 1024;
    static final long BUDGET = 8L << 20;

    private FellowshipBench() {
    }

    public static void main(String[] args) throws Exception {
        // The harness's test logging is verbose; a crash the benchmark causes on purpose is no warning here.
        for (String logger : new String[] {"org.slf4j.simpleLogger.defaultLogLevel",
                "org.slf4j.simpleLogger.log.org.ringfellow"}) {
            System.setProperty(logger, System.getProperty(logger, "error"));
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err"); // not the tests' target/ file
        int rounds = intArg(args, "--rounds=", 3);
        int messages = intArg(args, "--messages=", 100_000);
        int roundTrips = intArg(args, "--round-trips=", 5_000);
        boolean all = Arrays.stream(args).noneMatch(a -> !a.startsWith("--"));
        List<String> sections = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        System.out.printf("cores %d, %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty(
                "java.vm.name") + " " + System.getProperty("java.version"));
        if (all || sections.contains("messaging")) {
            messaging(rounds, messages, roundTrips);
        }
        if (all || sections.contains("formation")) {
            formationAndReplacement(rounds);
        }
        System.exit(0);
    }

    static int intArg(String[] args, String prefix, int fallback) {
        return Arrays.stream(args).filter(a -> a.startsWith(prefix)).map(a -> Integer.parseInt(a.substring(
                prefix.length()))).findFirst().orElse(fallback);
    }

    static FellowshipSpec spec(String id, int size) {
        return new FellowshipSpec(new FellowshipId(id), size, new ResourceQuery(Resources.NONE, Set.of(), Set.of(),
                Map.of(), Set.of(), 100), Resources.NONE, Duration.ofSeconds(10));
    }

    // ------------------------------------------------------------------ messaging

    static void messaging(int rounds, int messages, int roundTrips) throws Exception {
        try (Cluster c = new Cluster(2); Bare bare = new Bare()) {
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
            // Warm-up of both (the JIT), as long as a round, then alternating rounds.
            for (int w = 0; w < 2; w++) {
                bare.blast(messages);
                received.set(0);
                blast(fa, b, payload, messages, received);
            }
            System.out.printf("%n| round | bare Netty TLS msg/s | fellowship msg/s | fellowship / bare |%n"
                    + "|---|---|---|---|%n");
            List<Double> ratios = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                double bareRate = bare.blast(messages);
                received.set(0);
                long t0 = System.nanoTime();
                blast(fa, b, payload, messages, received);
                double rate = messages / ((System.nanoTime() - t0) / 1e9);
                ratios.add(rate / bareRate);
                System.out.printf("| %d | %,.0f | %,.0f | %.0f %% |%n", r, bareRate, rate, 100 * rate / bareRate);
            }
            ratios.sort(null);
            System.out.printf("median ratio: %.0f %%%n", 100 * ratios.get(ratios.size() / 2));

            long[] bareLat = bare.roundTrips(1000, roundTrips);
            for (int i = 0; i < 1000; i++) {
                fa.request(b.id(), "ping", payload, Duration.ofSeconds(10)).toCompletableFuture().get();
            }
            long[] lat = new long[roundTrips];
            for (int i = 0; i < roundTrips; i++) {
                long s = System.nanoTime();
                fa.request(b.id(), "ping", payload, Duration.ofSeconds(10)).toCompletableFuture().get();
                lat[i] = System.nanoTime() - s;
            }
            Arrays.sort(lat);
            System.out.printf("%n| 1 KiB round trip | p50 | p99 |%n|---|---|---|%n");
            System.out.printf("| bare Netty TLS echo | %.0f us | %.0f us |%n", bareLat[roundTrips / 2] / 1e3,
                    bareLat[roundTrips * 99 / 100] / 1e3);
            System.out.printf("| fellowship request/reply | %.0f us | %.0f us |%n", lat[roundTrips / 2] / 1e3,
                    lat[roundTrips * 99 / 100] / 1e3);
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
                    LockSupport.parkNanos(20_000); // backpressure: the link's budget is used up
                }
            }
        }
        awaitCount(received, n);
    }

    static void awaitCount(AtomicLong count, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        if (count.get() < n) {
            throw new IllegalStateException("only " + count.get() + " of " + n + " messages arrived");
        }
    }

    /** A bare Netty TLS 1.3 connection built like the channel; a frame starting with 1 is echoed. */
    static final class Bare implements AutoCloseable {
        private final EventLoopGroup serverGroup = new NioEventLoopGroup(2);
        private final EventLoopGroup clientGroup = new NioEventLoopGroup(2);
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong inFlight = new AtomicLong();
        private final BlockingQueue<Object> echoes = new ArrayBlockingQueue<>(16);
        private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);
        private final Channel listener;
        private final Channel ch;

        Bare() throws Exception {
            ChannelCredentials creds = ChannelCredentials.create(new TestIdentity(), Duration.ofDays(1));
            SslContext server = SslContextBuilder.forServer(creds.privateKey(), creds.certificate())
                    .sslProvider(SslProvider.JDK).protocols("TLSv1.3").clientAuth(ClientAuth.REQUIRE)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            SslContext client = SslContextBuilder.forClient().keyManager(creds.privateKey(), creds.certificate())
                    .sslProvider(SslProvider.JDK).protocols("TLSv1.3").endpointIdentificationAlgorithm(null)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            listener = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(pipeline(server, new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            if (b.getByte(0) == 1) {
                                ctx.writeAndFlush(b);
                            } else {
                                count.incrementAndGet();
                                b.release();
                            }
                        }
                    })).bind("127.0.0.1", 0).sync().channel();
            int port = ((java.net.InetSocketAddress) listener.localAddress()).getPort();
            ch = new Bootstrap().group(clientGroup).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .handler(pipeline(client, new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ((ByteBuf) msg).release();
                            echoes.add(msg);
                        }
                    })).connect("127.0.0.1", port).sync().channel();
        }

        /** The channel's pipeline: TLS, flush consolidation, 4-byte length framing, then {@code last}. */
        private static ChannelInitializer<SocketChannel> pipeline(SslContext tls, ChannelInboundHandlerAdapter last) {
            return new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast(tls.newHandler(c.alloc()), new FlushConsolidationHandler(64, true),
                            new LengthFieldBasedFrameDecoder(1 << 21, 0, 4, 0, 4), new LengthFieldPrepender(4), last);
                }
            };
        }

        /** Sends {@code n} frames with the channel's backpressure (an 8 MiB budget); returns frames/s. */
        double blast(int n) throws InterruptedException {
            byte[] payload = new byte[SIZE];
            count.set(0);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                while (inFlight.get() + SIZE > BUDGET) {
                    LockSupport.parkNanos(20_000);
                }
                inFlight.addAndGet(SIZE);
                ch.writeAndFlush(Unpooled.wrappedBuffer(payload)).addListener(f -> inFlight.addAndGet(-SIZE));
            }
            awaitCount(count, n);
            return n / ((System.nanoTime() - t0) / 1e9);
        }

        long[] roundTrips(int warmUp, int n) throws InterruptedException {
            byte[] ping = new byte[SIZE];
            ping[0] = 1;
            long[] lat = new long[n];
            for (int i = 0; i < warmUp + n; i++) {
                long s = System.nanoTime();
                ch.writeAndFlush(Unpooled.wrappedBuffer(ping));
                echoes.take();
                if (i >= warmUp) {
                    lat[i - warmUp] = System.nanoTime() - s;
                }
            }
            Arrays.sort(lat);
            return lat;
        }

        @Override
        public void close() throws InterruptedException {
            ch.close().sync();
            listener.close().sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ formation and replacement

    static void formationAndReplacement(int rounds) throws Exception {
        System.out.printf("%n| on the real Ring, simulated network | round | time |%n|---|---|---|%n");
        try (SimRingCluster c = new SimRingCluster(12, 42)) {
            for (int size : new int[] {3, 10}) {
                for (int round = 1; round <= rounds; round++) {
                    String id = "form-" + size + "-" + round;
                    long t0 = System.nanoTime();
                    Fellowship f = c.node(0).engine.create(spec(id, size)).toCompletableFuture().get(60,
                            TimeUnit.SECONDS);
                    System.out.printf("| form a %d-member fellowship | %d | %.0f ms |%n", size, round,
                            (System.nanoTime() - t0) / 1e6);
                    f.dissolve();
                    Cluster.await("all released", () -> c.nodes.stream().allMatch(n -> n.engine.get(f.id()).isEmpty()));
                }
            }
            for (int round = 1; round <= rounds; round++) {
                Fellowship f = c.node(0).engine.create(spec("repair-" + round, 3)).toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                Roster before = f.roster();
                SimRingCluster.Node victim = c.byId(before.members().get(2).node());
                long t0 = System.nanoTime();
                c.crash(victim);
                Cluster.await("replaced", () -> {
                    Roster r = f.roster();
                    return r.members().size() == 3 && !r.contains(victim.id());
                }, Duration.ofSeconds(60));
                System.out.printf("| replace a crashed member (kill to new roster, SWIM detection included) | %d | "
                        + "%.0f ms |%n", round, (System.nanoTime() - t0) / 1e6);
                f.dissolve();
            }
        }
        System.out.printf("%n| with a Ring that reports the death at once | round | time |%n|---|---|---|%n");
        try (Cluster c = new Cluster(3 + rounds)) {
            for (int round = 1; round <= rounds; round++) {
                Fellowship f = c.node(0).engine.create(spec("repair-fake-" + round, 3)).toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                Cluster.Node victim = c.byId(f.roster().members().get(2).node());
                long t0 = System.nanoTime();
                c.crash(victim);
                Cluster.await("replaced", () -> {
                    Roster r = f.roster();
                    return r.members().size() == 3 && !r.contains(victim.id());
                });
                System.out.printf("| replace a crashed member (the Ring's DEAD to the new roster) | %d | %.0f ms |%n",
                        round, (System.nanoTime() - t0) / 1e6);
                f.dissolve();
                Cluster.await("all released", () -> c.alive().stream().allMatch(n -> n.engine.get(f.id()).isEmpty()));
            }
        }
    }
}
