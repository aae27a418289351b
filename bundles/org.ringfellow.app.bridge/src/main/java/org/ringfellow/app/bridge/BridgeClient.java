package org.ringfellow.app.bridge;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The app's end of a {@link org.ringfellow.api.runtime.BridgeTransport#UNIX_SOCKET} bridge, as an
 * in-container launcher uses it: read events one after another, send commands from any thread.
 */
public final class BridgeClient implements AutoCloseable {

    private final SocketChannel channel;
    private final BridgeCodec codec;
    private final LineReader lines;
    private final Object writeLock = new Object();
    private final AtomicLong malformed = new AtomicLong();

    private BridgeClient(SocketChannel channel, BridgeLimits limits) {
        this.channel = channel;
        this.codec = new BridgeCodec(limits);
        this.lines = new LineReader(channel, limits.maxLineBytes());
    }

    /**
     * Connects to the node's socket.
     *
     * @param socket the socket's path
     * @param limits the protocol's bounds
     * @return the client
     * @throws IOException if the node does not listen there
     */
    public static BridgeClient connect(Path socket, BridgeLimits limits) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new BridgeClient(ch, limits);
    }

    /**
     * Waits for the next valid event; malformed lines are skipped and counted.
     *
     * @return the event, or empty when the node closed the bridge
     * @throws IOException if reading fails
     */
    public Optional<BridgeEvent> next() throws IOException {
        while (true) {
            int n = lines.next();
            if (n < 0) {
                return Optional.empty();
            }
            if (n == 0) {
                continue;
            }
            try {
                return Optional.of(codec.decodeEvent(lines.line(), n));
            } catch (MalformedLineException e) {
                malformed.incrementAndGet();
            }
        }
    }

    /**
     * Sends a command; safe from any thread.
     *
     * @param command the command
     * @throws IOException if the node closed the bridge
     * @throws IllegalArgumentException if the command is beyond the protocol's limits
     */
    public void send(BridgeCommand command) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(codec.encode(command));
        synchronized (writeLock) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    /**
     * Returns how many lines from the node were dropped as malformed or too long.
     *
     * @return the count
     */
    public long malformed() {
        return malformed.get() + lines.oversized();
    }

    /** Closes the connection. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
