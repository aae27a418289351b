package org.ringfellow.fellowship.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.fellowship.internal.tls.ChannelCredentials;
import org.ringfellow.fellowship.internal.tls.Purpose;

/** A TLS client that writes whatever bytes a test wants, with a real node-bound certificate. */
final class RawClient implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    final Channel channel;
    final SslHandler ssl;

    RawClient(NodeIdentity identity, Endpoint at, Purpose purpose) throws Exception {
        ChannelCredentials creds = ChannelCredentials.create(identity, Duration.ofDays(1));
        SslContext ctx = SslContextBuilder.forClient().keyManager(creds.privateKey(), creds.certificate())
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3").endpointIdentificationAlgorithm(null)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        SslHandler[] handler = new SslHandler[1];
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                SslHandler h = ctx.newHandler(ch.alloc(), at.host(), at.port());
                SSLEngine engine = h.engine();
                SSLParameters p = engine.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName(purpose.serverName())));
                engine.setSSLParameters(p);
                handler[0] = h;
                ch.pipeline().addLast(h);
            }
        }).connect(at.host(), at.port()).sync().channel();
        ssl = handler[0];
        ssl.handshakeFuture().await(10, TimeUnit.SECONDS);
    }

    void write(ByteBuf bytes) {
        channel.writeAndFlush(bytes);
    }

    /** Waits for the server to close the connection. */
    boolean closedWithin(Duration d) throws InterruptedException {
        return channel.closeFuture().await(d.toMillis());
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
