package org.ringfellow.app.bridge;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ringfellow.api.runtime.BridgeTransport;

/**
 * The node's end of one app member's bridge. It opens the endpoint ({@link BridgeTransport}) in
 * the member's bridge directory, accepts the app's connection (one at a time; the app may
 * reconnect), writes events from a bounded queue and hands every valid command to a
 * {@link Listener} on its reading thread. Nothing the app does can grow the node's memory beyond
 * the queue and one line: when the queue is full, {@link #deliver} refuses; while the listener
 * works, the app's writes wait.
 *
 * <p>The app's side of the directory is another user (a container's user namespace), so the
 * endpoint is made accessible to every user; the directory itself must be reachable only by what
 * is meant to reach it (the runtime mounts it into exactly one container).
 */
public final class NodeBridge implements AutoCloseable {

    /** Receives what the app sends; called on the bridge's reading thread, one call at a time. */
    public interface Listener {

        /**
         * A valid command arrived.
         *
         * @param command the command
         */
        void command(BridgeCommand command);

        /** The app connected (after a start, or again after a disconnection). */
        default void connected() {
        }

        /**
         * The app's connection ended.
         *
         * @param reason why, for the log
         */
        default void disconnected(String reason) {
        }

        /**
         * A line was dropped; the counters in {@link NodeBridge#stats()} also count it.
         *
         * @param reason why
         */
        default void malformed(String reason) {
        }
    }

    private static final int WRITE_BATCH = 64;

    /** The longest unix socket path the kernel accepts, terminator excluded. */
    public static final int MAX_SOCKET_PATH = 107;

    private final Path directory;
    private final BridgeTransport transport;
    private final BridgeCodec codec;
    private final Listener listener;
    private final BlockingQueue<byte[]> queue;
    private final ServerSocketChannel server;
    private final Thread reader;
    private final Thread writer;
    private final Object lock = new Object();
    private volatile boolean closed;
    private Connection current;
    private final AtomicLong linesIn = new AtomicLong();
    private final AtomicLong linesOut = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile long oversized;

    private NodeBridge(Path directory, BridgeTransport transport, BridgeLimits limits, Listener listener,
            ServerSocketChannel server) {
        this.directory = directory;
        this.transport = transport;
        this.codec = new BridgeCodec(limits);
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(limits.maxQueuedEvents());
        this.server = server;
        String name = "ringfellow-bridge-" + directory.getFileName();
        this.reader = new Thread(this::readLoop, name + "-in");
        this.writer = new Thread(this::writeLoop, name + "-out");
        reader.setDaemon(true);
        writer.setDaemon(true);
    }

    /**
     * Opens the node's end in an existing directory and starts accepting.
     *
     * @param directory the member's bridge directory
     * @param transport the endpoint the app expects
     * @param limits the protocol's bounds
     * @param listener receives the app's commands
     * @return the open bridge
     * @throws IOException if the endpoint cannot be made (the message says why)
     */
    public static NodeBridge open(Path directory, BridgeTransport transport, BridgeLimits limits, Listener listener)
            throws IOException {
        Objects.requireNonNull(listener, "listener");
        Path dir = directory.toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new IOException("bridge directory " + dir + " does not exist");
        }
        ServerSocketChannel server = null;
        if (transport == BridgeTransport.UNIX_SOCKET) {
            Path socket = dir.resolve(BridgeTransport.SOCKET_FILE);
            if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
                throw new IOException("bridge socket path " + socket + " is longer than the kernel's limit of "
                        + MAX_SOCKET_PATH + " bytes; use a shorter bridge directory");
            }
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(socket), 1);
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            } catch (IOException e) {
                server.close();
                throw e;
            }
        } else {
            for (String name : List.of(BridgeTransport.EVENTS_FIFO, BridgeTransport.COMMANDS_FIFO)) {
                mkfifo(dir.resolve(name));
            }
        }
        NodeBridge b = new NodeBridge(dir, transport, limits, listener, server);
        b.reader.start();
        b.writer.start();
        return b;
    }

    private static void mkfifo(Path p) throws IOException {
        Files.deleteIfExists(p);
        Process proc = new ProcessBuilder("mkfifo", "-m", "0666", p.toString()).redirectErrorStream(true).start();
        try {
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!proc.waitFor(10, TimeUnit.SECONDS) || proc.exitValue() != 0) {
                proc.destroyForcibly();
                throw new IOException("mkfifo " + p + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proc.destroyForcibly();
            throw new IOException("interrupted while making " + p, e);
        }
    }

    /**
     * Queues an event for the app. Events are written in the order they are queued, also across a
     * reconnection of the app.
     *
     * @param event the event
     * @return false if the bridge is closed or its queue is full (the app reads too slowly): the
     *     event is dropped and counted, and the caller decides what that means (fail a request,
     *     mark the member unhealthy)
     * @throws IllegalArgumentException if the event is beyond the protocol's limits
     */
    public boolean deliver(BridgeEvent event) {
        byte[] line = codec.encode(event);
        if (closed || !queue.offer(line)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Tells whether the app is connected now.
     *
     * @return true while a connection is open
     */
    public boolean connected() {
        synchronized (lock) {
            return current != null;
        }
    }

    /**
     * Returns the counters.
     *
     * @return the counters
     */
    public BridgeStats stats() {
        return new BridgeStats(linesIn.get(), linesOut.get(), malformed.get(), oversized, dropped.get(),
                connections.get());
    }

    /**
     * Returns how many events wait to be written.
     *
     * @return the queue's length
     */
    public int queued() {
        return queue.size();
    }

    /** Closes the connection and the endpoint, removes its files and stops the bridge's threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        Connection c;
        synchronized (lock) {
            c = current;
            current = null;
            lock.notifyAll();
        }
        if (c != null) {
            c.close();
        }
        writer.interrupt();
        reader.interrupt();
        try {
            // a thread blocked in opening one end of a pipe wakes when someone opens the other end; repeated,
            // because the reading thread may reach its open just after one unblocking
            for (int i = 0; i < 50 && reader.isAlive(); i++) {
                if (transport == BridgeTransport.FIFO_PAIR) {
                    unblockPipes();
                }
                reader.join(100);
            }
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            c = current;
            current = null;
        }
        if (c != null) {
            c.close();
        }
        queue.clear();
        for (String name : List.of(BridgeTransport.SOCKET_FILE, BridgeTransport.EVENTS_FIFO,
                BridgeTransport.COMMANDS_FIFO)) {
            try {
                Files.deleteIfExists(directory.resolve(name));
            } catch (IOException e) {
                // best effort: the engine removes the directory
            }
        }
    }

    private void unblockPipes() {
        for (String name : List.of(BridgeTransport.EVENTS_FIFO, BridgeTransport.COMMANDS_FIFO)) {
            Path p = directory.resolve(name);
            if (!Files.exists(p)) {
                continue;
            }
            try (RandomAccessFile unblock = new RandomAccessFile(p.toFile(), "rw")) {
                unblock.length();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /** One connection of the app: a channel in each direction. */
    private record Connection(ReadableByteChannel in, GatheringByteChannel out, List<AutoCloseable> closeables) {
        void close() {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing anyway
                }
            }
        }
    }

    private Connection accept() throws IOException {
        if (transport == BridgeTransport.UNIX_SOCKET) {
            SocketChannel ch = server.accept();
            return new Connection(ch, ch, List.of(ch));
        }
        // the same order as the app's shell opens them, so neither side waits for the other forever
        FileChannel events = FileChannel.open(directory.resolve(BridgeTransport.EVENTS_FIFO),
                StandardOpenOption.WRITE);
        if (closed) {
            events.close();
            throw new ClosedChannelException();
        }
        FileChannel commands;
        try {
            commands = FileChannel.open(directory.resolve(BridgeTransport.COMMANDS_FIFO), StandardOpenOption.READ);
        } catch (IOException e) {
            events.close();
            throw e;
        }
        return new Connection(commands, events, List.of(commands, events));
    }

    private void readLoop() {
        while (!closed) {
            Connection c;
            try {
                c = accept();
            } catch (IOException e) {
                if (!closed) {
                    listener.disconnected("cannot accept the app's connection: " + e.getMessage());
                    sleepQuietly();
                }
                continue;
            }
            synchronized (lock) {
                if (closed) {
                    c.close();
                    return;
                }
                current = c;
                lock.notifyAll();
            }
            connections.incrementAndGet();
            listener.connected();
            String reason = "the app closed the bridge";
            LineReader lines = new LineReader(c.in(), codec.limits().maxLineBytes());
            long before = 0;
            try {
                for (int n = lines.next(); n >= 0; n = lines.next()) {
                    if (lines.oversized() != before) {
                        oversized += lines.oversized() - before;
                        before = lines.oversized();
                        listener.malformed("line longer than " + codec.limits().maxLineBytes() + " bytes");
                    }
                    if (n == 0) {
                        continue;
                    }
                    BridgeCommand command;
                    try {
                        command = codec.decodeCommand(lines.line(), n);
                    } catch (MalformedLineException e) {
                        malformed.incrementAndGet();
                        listener.malformed(e.getMessage());
                        continue;
                    }
                    linesIn.incrementAndGet();
                    try {
                        listener.command(command);
                    } catch (RuntimeException e) {
                        // the listener's failure is the node's, not the app's: keep the bridge
                        listener.malformed("the node could not handle " + command.getClass().getSimpleName()
                                + ": " + e);
                    }
                }
            } catch (IOException e) {
                reason = closed ? "the bridge was closed" : "reading failed: " + e.getMessage();
            }
            oversized += lines.oversized() - before;
            synchronized (lock) {
                if (current == c) {
                    current = null;
                }
            }
            c.close();
            if (!closed) {
                listener.disconnected(reason);
            }
        }
    }

    private void writeLoop() {
        // lines taken from the queue but not yet written whole; they go first, whole, to the next connection
        ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
        List<byte[]> batch = new ArrayList<>(WRITE_BATCH);
        while (!closed) {
            Connection c;
            try {
                synchronized (lock) {
                    while (current == null && !closed) {
                        lock.wait();
                    }
                    c = current;
                }
                if (c == null) {
                    return;
                }
                if (pending.isEmpty()) {
                    batch.add(queue.take());
                    queue.drainTo(batch, WRITE_BATCH - 1);
                    for (byte[] line : batch) {
                        pending.add(ByteBuffer.wrap(line));
                    }
                    batch.clear();
                }
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            try {
                // one gathering write for what piled up: a busy app costs one system call per batch, not per event
                ByteBuffer[] bufs = pending.toArray(new ByteBuffer[0]);
                while (bufs[bufs.length - 1].hasRemaining()) {
                    c.out().write(bufs);
                }
                linesOut.addAndGet(bufs.length);
                pending.clear();
            } catch (IOException e) {
                // the app went away: lines written whole are gone with it, the rest go whole to the next connection
                while (!pending.isEmpty() && !pending.peekFirst().hasRemaining()) {
                    pending.removeFirst();
                    linesOut.incrementAndGet();
                }
                if (!pending.isEmpty()) {
                    pending.peekFirst().rewind();
                }
                synchronized (lock) {
                    if (current == c) {
                        current = null;
                    }
                }
                c.close();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
