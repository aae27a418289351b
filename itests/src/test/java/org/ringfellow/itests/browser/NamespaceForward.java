package org.ringfellow.itests.browser;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lets the test's browser, on the host's loopback, reach a port of a node inside a network
 * namespace, without adding anything to the host's network: the test JVM listens on
 * {@code 127.0.0.1:<free port>} and hands each connection over a Unix socket (the file system is
 * shared) to a small JVM started inside the namespace ({@code nsenter --net}), which connects to
 * {@code 127.0.0.1:<port>} there. The node thus sees a loopback client, as a browser on its own
 * host would be. {@link #close()} stops both sides and removes the socket.
 */
public final class NamespaceForward implements AutoCloseable {

    private final ServerSocketChannel listener;
    private final Process inside;
    private final Path socket;
    private final List<SocketChannel> open = new ArrayList<>();

    private NamespaceForward(ServerSocketChannel listener, Process inside, Path socket) {
        this.listener = listener;
        this.inside = inside;
        this.socket = socket;
    }

    /**
     * Starts a forward to {@code 127.0.0.1:port} inside a namespace.
     *
     * @param namespace the network namespace's name (under /run/netns)
     * @param port the port there
     * @return the forward; {@link #port()} is where to connect on the host
     */
    public static NamespaceForward start(String namespace, int port) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("rf-fwd-");
        Path socket = dir.resolve("s");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path classes = Path.of(System.getProperty("itests.testClasses", "target/test-classes")).toAbsolutePath();
        Process inside = new ProcessBuilder("nsenter", "--net=/run/netns/" + namespace, java, "-Xmx32m", "-cp",
                classes.toString(), NamespaceForward.class.getName(), socket.toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 100 && !Files.exists(socket) && inside.isAlive(); i++) {
            Thread.sleep(100);
        }
        if (!Files.exists(socket)) {
            inside.destroyForcibly();
            throw new IOException("the forwarder in namespace " + namespace + " did not start");
        }
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        NamespaceForward f = new NamespaceForward(listener, inside, socket);
        Thread t = new Thread(f::acceptLoop, "ns-forward-" + namespace);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The host loopback port that reaches the node. */
    public int port() {
        try {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("the forward is closed", e);
        }
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel s = listener.accept();
                SocketChannel u = SocketChannel.open(StandardProtocolFamily.UNIX);
                u.connect(UnixDomainSocketAddress.of(socket));
                synchronized (open) {
                    open.add(s);
                    open.add(u);
                }
                pump(s, u);
                pump(u, s);
            } catch (IOException e) {
                // listener closed, or one connection failed: the browser sees it fail
            }
        }
    }

    /** Copies one direction until its end, then half-closes the other side (channels: a read and a write may run at once). */
    private static void pump(SocketChannel from, SocketChannel to) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            try {
                while (from.read(buf) > 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "ns-forward-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        synchronized (open) {
            for (SocketChannel s : open) {
                s.close();
            }
        }
        inside.destroy();
        if (!inside.waitFor(5, TimeUnit.SECONDS)) {
            inside.destroyForcibly();
        }
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socket.getParent());
    }

    /**
     * The side inside the namespace: accepts on the Unix socket, connects each to the port on
     * this namespace's loopback. Ends when its parent (the test JVM) is gone.
     *
     * @param args the socket's path and the port
     */
    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread watch = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (parent == null || !parent.isAlive()) {
                    System.exit(0);
                }
            }
        });
        watch.setDaemon(true);
        watch.start();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            while (true) {
                SocketChannel u = server.accept();
                SocketChannel s;
                try {
                    s = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                } catch (IOException e) {
                    u.close();
                    continue;
                }
                pump(u, s);
                pump(s, u);
            }
        }
    }
}
