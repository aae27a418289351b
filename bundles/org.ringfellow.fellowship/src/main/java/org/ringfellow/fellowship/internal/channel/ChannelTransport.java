package org.ringfellow.fellowship.internal.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.fellowship.internal.tls.ChannelCredentials;
import org.ringfellow.fellowship.internal.tls.PeerIdentity;
import org.ringfellow.fellowship.internal.tls.PeerTrustManager;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.ringfellow.fellowship.internal.wire.FrameCodec;
import org.ringfellow.fellowship.internal.wire.MalformedFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fellowship channels over Netty: TLS 1.3 only, mutual authentication by node-bound
 * certificates, a roster gate during the handshake, length-prefixed bounded frames, and
 * backpressure both ways: a bounded outbound budget per link (a slow reader makes
 * {@link Link#send} return false instead of growing memory), and inbound frames handed to the
 * {@link Inbound} on the connection's event loop, in the read itself: while the handler is busy
 * nothing more is read, so TCP flow control holds the sender back and no inbound queue grows.
 *
 * <p>All connections run on the event loop group given to the constructor. The fellowship engine
 * gives a group of one loop, its own thread: a frame is decoded and handled on the thread that
 * decrypted it, without a hand-off, and everything the engine does stays on one thread.
 *
 * <p>Each node sends its fellowship messages only on links it dialled itself, so messages from
 * one sender to one receiver travel on one TCP stream, in order.
 */
public final class ChannelTransport implements FrameTransport {

    /**
     * Receives frames; called on the connection's event loop, in order per link. It must not block:
     * while it runs, that loop reads nothing.
     */
    public interface Inbound {
        void onFrame(Link link, Frame frame);

        default void onClosed(Link link) {
        }
    }

    /** Tunables; {@link #defaults()} suits a LAN. */
    public record Limits(long outboundBudget, Duration handshakeTimeout, int connectAttempts, Duration firstRetry) {
        public static Limits defaults() {
            return new Limits(8L << 20, Duration.ofSeconds(10), 6, Duration.ofMillis(100));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChannelTransport.class);

    private final PeerTrustManager trust;
    private final Inbound inbound;
    private final Limits limits;
    private final SslContext serverContext;
    private final SslContext clientContext;
    /** Runs every connection, accepted or dialled; not ours to shut down. */
    private final EventLoopGroup workers;
    private final TransportStats stats = new TransportStats();
    private final Map<LinkKey, OutLink> outLinks = new ConcurrentHashMap<>();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile Set<NodeId> blocked = Set.of();
    private volatile Channel server;
    private volatile boolean closed;

    private record LinkKey(NodeId peer, Purpose purpose) {
    }

    /**
     * @param identity this node
     * @param credentials its channel certificate
     * @param gate decides, during each handshake, whether a peer may connect for a purpose
     * @param inbound receives the frames, on the connection's event loop
     * @param io the event loops that run the connections (the caller shuts them down after {@link #close})
     * @param limits the tunables
     */
    public ChannelTransport(NodeIdentity identity, ChannelCredentials credentials, PeerTrustManager.Gate gate,
            Inbound inbound, EventLoopGroup io, Limits limits) {
        this.trust = new PeerTrustManager(identity, (peer, purpose) -> !blocked.contains(peer.node())
                && gate.admit(peer, purpose));
        this.inbound = inbound;
        this.limits = limits;
        try {
            // Sessions live one second at most: a resumed handshake would skip the roster check, and
            // the transport refuses any connection whose certificate was not checked in its own handshake.
            this.serverContext = SslContextBuilder.forServer(credentials.privateKey(), credentials.certificate())
                    .sslProvider(SslProvider.JDK).protocols("TLSv1.3").clientAuth(ClientAuth.REQUIRE)
                    .sessionCacheSize(1).sessionTimeout(1).trustManager(trust).build();
            this.clientContext = SslContextBuilder.forClient().keyManager(credentials.privateKey(),
                    credentials.certificate()).sslProvider(SslProvider.JDK).protocols("TLSv1.3")
                    .endpointIdentificationAlgorithm(null).sessionCacheSize(1).sessionTimeout(1).trustManager(trust)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS 1.3 for fellowship channels: " + e, e);
        }
        this.workers = io;
    }

    /**
     * Starts listening.
     *
     * @param host the address to bind
     * @param port the port, 0 for any free one
     * @return the bound address
     */
    @Override
    public InetSocketAddress bind(String host, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(workers, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = serverContext.newHandler(ch.alloc());
                        SSLEngine engine = ssl.engine();
                        SSLParameters params = engine.getSSLParameters();
                        params.setSNIMatchers(List.of(trust.sniMatcher(engine)));
                        engine.setSSLParameters(params);
                        ssl.setHandshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
                        pipeline(ch, ssl, new Connection(ssl.engine(), Optional.empty()));
                    }
                });
        server = b.bind(host, port).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    /** Returns the counters. */
    @Override
    public TransportStats stats() {
        return stats;
    }

    /** Returns how many handshakes were refused. */
    @Override
    public long rejectedHandshakes() {
        return trust.rejected();
    }

    /**
     * Returns the pooled outgoing link to a peer for a purpose, dialling it on first use.
     *
     * @param peer the peer (its node id and key, as the roster or the Ring gives them)
     * @param at where it listens
     * @param purpose what the link is for
     * @return the link
     */
    @Override
    public Link link(NodeId peer, Endpoint at, Purpose purpose) {
        if (closed) {
            return new OutLink(peer, at, purpose); // refuses every frame: the transport is closed
        }
        return outLinks.computeIfAbsent(new LinkKey(peer, purpose), k -> new OutLink(peer, at, purpose));
    }

    /** Closes every link, in or out, that matches. */
    @Override
    public void closeWhere(Predicate<Link> which) {
        for (Link l : List.copyOf(links)) {
            if (which.test(l)) {
                l.close();
            }
        }
        for (OutLink l : List.copyOf(outLinks.values())) {
            if (which.test(l)) {
                l.close();
            }
        }
    }

    /** Emulates a network partition: refuses and drops every link with these nodes. */
    @Override
    public void block(Set<NodeId> nodes) {
        blocked = Set.copyOf(nodes);
        closeWhere(l -> blocked.contains(l.node()));
    }

    /** Closes the listener and every link; the event loops are the caller's to shut down. */
    @Override
    public void close() {
        closed = true;
        closeWhere(l -> true);
        Channel s = server;
        if (s != null) {
            ChannelFuture done = s.close();
            if (!s.eventLoop().inEventLoop()) {
                done.awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
    }

    private void pipeline(Channel ch, SslHandler ssl, Connection connection) {
        ch.pipeline().addLast("tls", ssl);
        ch.pipeline().addLast("flush", new FlushConsolidationHandler(64, true));
        ch.pipeline().addLast("frames", new LengthFieldBasedFrameDecoder(FrameCodec.MAX_FRAME, 0, 4, 0, 4, true));
        ch.pipeline().addLast("fellowship", connection);
    }

    static ByteBuf encode(Frame frame) {
        // a message's size is known closely enough to allocate once instead of growing the buffer
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(frame instanceof Frame.Message m
                ? 4 + FrameCodec.MESSAGE_OVERHEAD + m.fellowship().value().length() + 3 * m.topic().length()
                        + m.payload().length
                : 256);
        buf.writeInt(0);
        FrameCodec.encode(frame, buf);
        int length = buf.readableBytes() - 4;
        if (length > FrameCodec.MAX_FRAME) {
            buf.release();
            throw new IllegalArgumentException("frame of " + length + " bytes is over the limit");
        }
        buf.setInt(0, length);
        return buf;
    }

    /** One TCP connection's inbound side: handshake result, decoding, and the frames handed on in order. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final SSLEngine engine;
        private final Optional<OutLink> owner;
        private volatile Link link;

        Connection(SSLEngine engine, Optional<OutLink> owner) {
            this.engine = engine;
            this.owner = owner;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                Optional<PeerIdentity> peer = trust.takeVerified(engine);
                if (!done.isSuccess() || peer.isEmpty()) {
                    stats.handshakesFailed.incrementAndGet();
                    trust.forget(engine);
                    LOG.debug("Channel handshake with {} failed: {}", ctx.channel().remoteAddress(),
                            done.isSuccess() ? "no verified peer" : done.cause().toString());
                    owner.ifPresent(o -> o.connectFailed(ctx.channel()));
                    ctx.close();
                    return;
                }
                stats.handshakesCompleted.incrementAndGet();
                if (owner.isPresent()) {
                    link = owner.get();
                    owner.get().connected(ctx.channel(), peer.get());
                } else {
                    Optional<Purpose> purpose = trust.takePurpose(engine);
                    if (purpose.isEmpty()) {
                        ctx.close();
                        return;
                    }
                    InLink in = new InLink(peer.get(), purpose.get(), ctx.channel());
                    links.add(in);
                    link = in;
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        /**
         * Decodes a frame and hands it on at once, on this event loop: the next frame of this
         * connection is read only after the handler returned (that is the inbound backpressure).
         */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            Link l = link;
            Frame frame;
            try {
                if (l == null || !ctx.channel().isActive() || blocked.contains(l.node())) {
                    // not authenticated, closed by an earlier frame of the same read, or partitioned away
                    ctx.close();
                    return;
                }
                frame = FrameCodec.decode(buf, l.purpose().fellowship().orElse(null));
            } catch (MalformedFrameException e) {
                stats.malformed.incrementAndGet();
                LOG.warn("Dropped a malformed frame from {} ({}); closing its connection", l.peer(), e.getMessage());
                ctx.close();
                return;
            } finally {
                buf.release();
            }
            stats.framesIn.incrementAndGet();
            try {
                inbound.onFrame(l, frame);
            } catch (RuntimeException e) {
                LOG.warn("A fellowship frame handler failed on {} from {}", frame.getClass().getSimpleName(),
                        l.peer(), e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException
                    || (cause instanceof DecoderException && cause.getCause() instanceof TooLongFrameException)) {
                stats.oversized.incrementAndGet();
                LOG.warn("Dropped an oversized frame from {}; closing its connection", ctx.channel().remoteAddress());
            } else if (cause instanceof DecoderException) {
                LOG.debug("Channel error with {}: {}", ctx.channel().remoteAddress(), cause.toString());
            } else {
                LOG.debug("Channel error with {}", ctx.channel().remoteAddress(), cause);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            trust.forget(engine);
            Link l = link;
            if (owner.isPresent()) {
                owner.get().disconnected(ctx.channel());
            } else if (l != null) {
                links.remove(l);
            }
            if (l != null) {
                try {
                    inbound.onClosed(l); // after the frames that arrived before the close
                } catch (RuntimeException e) {
                    LOG.warn("A fellowship close handler failed on {}", l, e);
                }
            }
            super.channelInactive(ctx);
        }
    }

    /**
     * Accounting shared by both directions: bytes queued or written but not yet on the wire. A
     * counter, not a lock, so that a sender and the event loop completing its writes do not
     * contend for every frame.
     */
    private abstract class Budgeted implements Link {
        final Object lock = new Object();
        final AtomicLong pending = new AtomicLong();

        /** Counts {@code size} bytes in if they fit in the budget. */
        boolean admit(int size) {
            long before;
            do {
                before = pending.get();
                if (before + size > limits.outboundBudget()) {
                    stats.backpressure.incrementAndGet();
                    return false;
                }
            } while (!pending.compareAndSet(before, before + size));
            return true;
        }

        void write(Channel ch, ByteBuf buf, int size) {
            stats.framesOut.incrementAndGet();
            ch.writeAndFlush(buf).addListener(f -> {
                pending.addAndGet(-size);
                if (!f.isSuccess()) {
                    stats.undelivered.incrementAndGet();
                }
            });
        }
    }

    private final class InLink extends Budgeted {
        private final PeerIdentity peer;
        private final Purpose purpose;
        private final Channel channel;

        InLink(PeerIdentity peer, Purpose purpose, Channel channel) {
            this.peer = peer;
            this.purpose = purpose;
            this.channel = channel;
        }

        @Override
        public PeerIdentity peer() {
            return peer;
        }

        @Override
        public NodeId node() {
            return peer.node();
        }

        @Override
        public Purpose purpose() {
            return purpose;
        }

        @Override
        public boolean inbound() {
            return true;
        }

        @Override
        public boolean send(Frame frame) {
            if (!channel.isActive()) {
                return false;
            }
            ByteBuf buf = encode(frame);
            int size = buf.readableBytes();
            if (!admit(size)) {
                buf.release();
                return false;
            }
            write(channel, buf, size);
            return true;
        }

        @Override
        public void close() {
            channel.close();
        }

        @Override
        public String toString() {
            return "in " + peer + " " + purpose;
        }
    }

    /** A link this node dialled: frames wait (within the budget) while it connects or reconnects. */
    private final class OutLink extends Budgeted {
        private final NodeId node;
        private final Endpoint at;
        private final Purpose purpose;
        private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
        private volatile PeerIdentity peer;
        private volatile Channel channel;
        /** Connected, and the frames queued meanwhile written: a send may then skip the lock. */
        private volatile boolean ready;
        private boolean closed;
        private int attempts;

        OutLink(NodeId node, Endpoint at, Purpose purpose) {
            this.node = node;
            this.peer = new PeerIdentity(node, new byte[0]);
            this.at = at;
            this.purpose = purpose;
            if (ChannelTransport.this.closed) {
                closed = true;
            } else {
                dial();
            }
        }

        @Override
        public PeerIdentity peer() {
            return peer;
        }

        @Override
        public NodeId node() {
            return node;
        }

        @Override
        public Purpose purpose() {
            return purpose;
        }

        @Override
        public boolean inbound() {
            return false;
        }

        private void dial() {
            if (blocked.contains(node)) {
                workers.schedule(() -> connectFailed(null), 0, TimeUnit.MILLISECONDS);
                return;
            }
            Bootstrap b = new Bootstrap().group(workers).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // No peer host and port: the JDK then offers no session to resume, so
                            // every connection is a full handshake checked against the roster of now.
                            SslHandler ssl = clientContext.newHandler(ch.alloc());
                            SSLEngine engine = ssl.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setServerNames(List.of(new SNIHostName(purpose.serverName())));
                            params.setEndpointIdentificationAlgorithm(null);
                            engine.setSSLParameters(params);
                            trust.expect(engine, new PeerTrustManager.Expectation(node, purpose));
                            ssl.setHandshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
                            pipeline(ch, ssl, new Connection(engine, Optional.of(OutLink.this)));
                        }
                    });
            ChannelFuture f = b.connect(at.host(), at.port());
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    connectFailed(null);
                }
            });
        }

        void connected(Channel ch, PeerIdentity verified) {
            peer = verified;
            synchronized (lock) {
                if (closed) {
                    ch.close();
                    return;
                }
                channel = ch;
                attempts = 0;
                links.add(this);
                while (!queue.isEmpty()) {
                    ByteBuf buf = queue.poll();
                    write(ch, buf, buf.readableBytes());
                }
                ready = true; // after the queued frames: a send that sees it comes after them

            }
        }

        void connectFailed(Channel ch) {
            stats.connectFailures.incrementAndGet();
            boolean retry;
            synchronized (lock) {
                retry = !closed && !queue.isEmpty() && ++attempts < limits.connectAttempts();
                if (!retry) {
                    giveUp();
                }
            }
            if (retry) {
                long delay = limits.firstRetry().toMillis() << Math.min(attempts - 1, 6);
                workers.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
            }
        }

        void disconnected(Channel ch) {
            synchronized (lock) {
                if (ch == channel) {
                    giveUp();
                }
            }
        }

        private void giveUp() {
            closed = true;
            ready = false;
            while (!queue.isEmpty()) {
                ByteBuf dropped = queue.poll();
                pending.addAndGet(-dropped.readableBytes());
                dropped.release();
                stats.undelivered.incrementAndGet();
            }
            outLinks.remove(new LinkKey(node, purpose), this);
            links.remove(this);
        }

        @Override
        public boolean send(Frame frame) {
            ByteBuf buf = encode(frame);
            int size = buf.readableBytes();
            Channel ch = channel;
            if (ready && ch != null) {
                // connected: no lock (a close racing with this write makes it fail, counted as undelivered)
                if (!admit(size)) {
                    buf.release();
                    return false;
                }
                write(ch, buf, size);
                return true;
            }
            synchronized (lock) {
                if (closed) {
                    buf.release();
                    stats.undelivered.incrementAndGet();
                    return false;
                }
                if (!admit(size)) {
                    buf.release();
                    return false;
                }
                if (ready) {
                    write(channel, buf, size);
                } else {
                    queue.add(buf);
                }
            }
            return true;
        }

        @Override
        public void close() {
            Channel ch;
            synchronized (lock) {
                ch = channel;
                giveUp();
            }
            if (ch != null) {
                ch.close();
            }
        }

        @Override
        public String toString() {
            return "out " + peer + " " + purpose;
        }
    }
}
