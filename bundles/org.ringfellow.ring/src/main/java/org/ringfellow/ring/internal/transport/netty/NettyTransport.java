package org.ringfellow.ring.internal.transport.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.ring.internal.clock.ExecutorScheduler;
import org.ringfellow.ring.internal.clock.Scheduler;
import org.ringfellow.ring.internal.codec.Limits;
import org.ringfellow.ring.internal.transport.Transport;

/**
 * UDP for probes and gossip, TCP for push-pull, on one port and one event loop per member:
 * one datagram socket and one listening socket, whatever the size of the ring. The protocol
 * runs on the same event loop, so no lock is needed anywhere between socket and protocol.
 */
public final class NettyTransport implements Transport {

    private static final int RECEIVE_BUFFER = 2048;

    private final EventLoop loop;
    private final Channel udp;
    private final Channel tcp;
    private final Endpoint advertised;
    private final int maxStreamBytes;
    private volatile Handler handler;
    private final String bindHost;
    /** The socket dial-backs go out from, bound on first use to a free port; its input is ignored. */
    private ChannelFuture dialer;
    private boolean closed;

    private NettyTransport(EventLoop loop, String bindHost, Channel udp, Channel tcp, Endpoint advertised,
            int maxStreamBytes) {
        this.loop = loop;
        this.bindHost = bindHost;
        this.udp = udp;
        this.tcp = tcp;
        this.advertised = advertised;
        this.maxStreamBytes = maxStreamBytes;
    }

    /**
     * Binds UDP and TCP on the same port (0 picks a free one) and waits. Only for a thread that
     * may block: never on an event loop, {@code loop} or another.
     *
     * @param advertiseHost the host others should send to; blank for the bound address
     * @throws IllegalStateException if called on an event loop
     */
    public static NettyTransport bind(EventLoop loop, String bindHost, int port, String advertiseHost,
            int advertisePort) throws IOException {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("NettyTransport.bind waits: on its event loop use bindAsync");
        }
        try {
            return bindAsync(loop, bindHost, port, advertiseHost, advertisePort).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + bindHost + ":" + port, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Binds UDP and TCP on the same port (0 picks a free one) without waiting: the future
     * completes on {@code loop}, with the transport or an {@link IOException} saying what could
     * not be bound. Safe on any thread, {@code loop} included: nothing here blocks.
     *
     * @param advertiseHost the host others should send to; blank for the bound address
     */
    public static CompletableFuture<NettyTransport> bindAsync(EventLoop loop, String bindHost, int port,
            String advertiseHost, int advertisePort) {
        CompletableFuture<NettyTransport> result = new CompletableFuture<>();
        attempt(loop, bindHost, port, advertiseHost, advertisePort, port == 0 ? 10 : 1, result);
        return result;
    }

    private static void attempt(EventLoop loop, String bindHost, int port, String advertiseHost, int advertisePort,
            int attemptsLeft, CompletableFuture<NettyTransport> result) {
        Holder h = new Holder();
        ChannelFuture tcpBound;
        try {
            tcpBound = new ServerBootstrap().group(loop, loop).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            h.transport.initServerChild(ch);
                        }
                    }).bind(bindHost, port);
        } catch (RuntimeException e) {
            result.completeExceptionally(failure(bindHost, port, e));
            return;
        }
        tcpBound.addListener((ChannelFutureListener) tf -> {
            if (!tf.isSuccess()) {
                retryOrFail(loop, bindHost, port, advertiseHost, advertisePort, attemptsLeft, result, tf.cause());
                return;
            }
            Channel tcp = tf.channel();
            int boundPort = ((InetSocketAddress) tcp.localAddress()).getPort();
            ChannelFuture udpBound = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
                    .option(ChannelOption.SO_RCVBUF, 1 << 20)
                    .handler(new ChannelInitializer<NioDatagramChannel>() {
                        @Override
                        protected void initChannel(NioDatagramChannel ch) {
                            ch.pipeline().addLast(new DatagramHandler(h));
                        }
                    }).bind(bindHost, boundPort);
            udpBound.addListener((ChannelFutureListener) uf -> {
                if (!uf.isSuccess()) {
                    tcp.close();
                    retryOrFail(loop, bindHost, port, advertiseHost, advertisePort, attemptsLeft, result, uf.cause());
                    return;
                }
                String host = advertiseHost == null || advertiseHost.isBlank()
                        ? ((InetSocketAddress) tcp.localAddress()).getAddress().getHostAddress() : advertiseHost;
                Endpoint adv = new Endpoint(host, advertisePort > 0 ? advertisePort : boundPort);
                h.transport = new NettyTransport(loop, bindHost, uf.channel(), tcp, adv, Limits.MAX_STREAM);
                result.complete(h.transport);
            });
        });
    }

    /** Port 0: the free TCP port picked may be taken for UDP, so pick another, a few times. */
    private static void retryOrFail(EventLoop loop, String bindHost, int port, String advertiseHost,
            int advertisePort, int attemptsLeft, CompletableFuture<NettyTransport> result, Throwable cause) {
        if (attemptsLeft > 1 && !loop.isShuttingDown()) {
            attempt(loop, bindHost, port, advertiseHost, advertisePort, attemptsLeft - 1, result);
        } else {
            result.completeExceptionally(failure(bindHost, port, cause));
        }
    }

    private static IOException failure(String bindHost, int port, Throwable cause) {
        return new IOException("cannot bind " + bindHost + ":" + port + ": " + cause.getMessage(), cause);
    }

    private static final class Holder {
        volatile NettyTransport transport;
    }

    /** @return a scheduler on this transport's event loop, for the protocol */
    public Scheduler scheduler() {
        return new ExecutorScheduler(loop, loop::inEventLoop);
    }

    public EventLoop loop() {
        return loop;
    }

    @Override
    public Endpoint localAddress() {
        return advertised;
    }

    @Override
    public void start(Handler h) {
        this.handler = h;
    }

    @Override
    public void sendDatagram(Endpoint to, byte[] payload) {
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(to.host(), to.port());
        } catch (RuntimeException e) {
            drop("bad-address");
            return;
        }
        if (address.isUnresolved()) {
            drop("unresolved-address");
            return;
        }
        udp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), address), udp.voidPromise());
    }

    @Override
    public void sendDatagramFromOtherPort(Endpoint to, byte[] payload) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> sendDatagramFromOtherPort(to, payload));
            return;
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(to.host(), to.port());
        } catch (RuntimeException e) {
            drop("bad-address");
            return;
        }
        if (address.isUnresolved() || closed) {
            drop("unresolved-address");
            return;
        }
        if (dialer == null) {
            dialer = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            // Nothing is expected here: a dial-back needs no answer.
                        }
                    }).bind(bindHost, 0);
        }
        dialer.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                f.channel().writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), address),
                        f.channel().voidPromise());
            } else {
                drop("dialer-bind-failed");
            }
        });
    }

    private void drop(String reason) {
        Handler h = handler;
        if (h != null) {
            h.onDrop(reason);
        }
    }

    @Override
    public void request(Endpoint to, byte[] payload, long timeoutMillis, BiConsumer<byte[], Throwable> callback) {
        boolean[] done = {false};
        BiConsumer<byte[], Throwable> once = (reply, error) -> {
            if (!done[0]) {
                done[0] = true;
                callback.accept(reply, error);
            }
        };
        new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(maxStreamBytes, 0, 4, 0, 4),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                        once.accept(ByteBufUtil.getBytes(msg), null);
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        once.accept(null, new IOException("stream closed without a reply"));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        if (cause instanceof TooLongFrameException) {
                                            drop("oversized");
                                        }
                                        once.accept(null, cause);
                                        ctx.close();
                                    }
                                });
                    }
                }).connect(to.host(), to.port()).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        once.accept(null, f.cause());
                        return;
                    }
                    f.channel().writeAndFlush(frame(payload));
                    loop.schedule(() -> {
                        if (!done[0]) {
                            once.accept(null, new TimeoutException("no push-pull reply from " + to));
                            f.channel().close();
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                });
    }

    private static ByteBuf frame(byte[] payload) {
        return Unpooled.wrappedBuffer(Unpooled.copyInt(payload.length), Unpooled.wrappedBuffer(payload));
    }

    private void initServerChild(SocketChannel ch) {
        // A peer that connects and says nothing must not hold the socket for ever.
        loop.schedule(() -> {
            ch.close();
        }, 10, TimeUnit.SECONDS);
        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(maxStreamBytes, 0, 4, 0, 4),
                new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        Handler h = handler;
                        byte[] reply = null;
                        if (h != null) {
                            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
                            try {
                                reply = h.onRequest(new Endpoint(remote.getHostString(), remote.getPort()),
                                        ByteBufUtil.getBytes(msg));
                            } catch (RuntimeException e) {
                                h.onDrop("internal-error");
                            }
                        }
                        if (reply == null) {
                            ctx.close();
                        } else {
                            ctx.writeAndFlush(frame(reply)).addListener(ChannelFutureListener.CLOSE);
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        drop(cause instanceof TooLongFrameException ? "oversized" : "stream-error");
                        ctx.close();
                    }
                });
    }

    private static final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Holder holder;

        DatagramHandler(Holder holder) {
            this.holder = holder;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            NettyTransport t = holder.transport;
            Handler h = t == null ? null : t.handler;
            if (h == null) {
                return;
            }
            ByteBuf content = packet.content();
            // A datagram that filled the receive buffer may have been cut: either way it is too big.
            if (content.readableBytes() > Limits.MAX_DATAGRAM) {
                h.onDrop("oversized");
                return;
            }
            InetSocketAddress sender = packet.sender();
            try {
                h.onDatagram(new Endpoint(sender.getHostString(), sender.getPort()), ByteBufUtil.getBytes(content));
            } catch (RuntimeException e) {
                h.onDrop("internal-error");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            NettyTransport t = holder.transport;
            if (t != null) {
                t.drop("socket-error");
            }
        }
    }

    @Override
    public void close() {
        handler = null;
        if (loop.inEventLoop()) {
            closeDialer();
        } else if (!loop.isShuttingDown()) {
            loop.execute(this::closeDialer);
        }
        udp.close();
        tcp.close();
    }

    private void closeDialer() {
        closed = true;
        if (dialer != null) {
            dialer.addListener((ChannelFutureListener) f -> f.channel().close());
        }
    }
}
