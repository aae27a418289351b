package org.ringfellow.bench.bridge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.api.runtime.BridgeTransport;
import org.ringfellow.api.runtime.RuntimeLaunch;
import org.ringfellow.api.runtime.RuntimePlan;
import org.ringfellow.app.bridge.BridgeClient;
import org.ringfellow.app.bridge.BridgeCodec;
import org.ringfellow.app.bridge.BridgeCommand;
import org.ringfellow.app.bridge.BridgeEvent;
import org.ringfellow.app.bridge.BridgeLimits;
import org.ringfellow.app.bridge.LineReader;
import org.ringfellow.app.bridge.NodeBridge;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.runc.internal.RuncDriver;
import org.ringfellow.container.runc.internal.RuncOptions;
import org.ringfellow.runtime.bundle.internal.BundleRuntime;
import org.ringfellow.runtime.command.internal.CommandRuntime;

/**
 * Round-trip latency (one request, its reply, nothing else in flight) and messages per second
 * between an app and its node: first the bridge alone (the app is a thread of this JVM on the
 * other end of the socket or the pipes), then real apps in runc containers (the test app bundle
 * under the bundle runtime, the {@code upper} shell example under the command runtime).
 *
 * <p>Usage: {@code BridgeBench <test-app.jar> <examples/upper dir> [round trips] [messages]}.
 */
public final class BridgeBench {

    static final MemberRef NODE = new MemberRef("aa01", "bench", true);
    static final MemberRef PEER = new MemberRef("bb02", "peer", false);

    private BridgeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path testApp = Path.of(args[0]);
        Path upper = Path.of(args[1]);
        int trips = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        int messages = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        Path dir = Files.createTempDirectory("rf-bridge-bench");
        try {
            System.out.printf("%-34s %10s %10s %10s %14s %14s%n", "scenario", "p50 us", "p99 us", "trips/s",
                    "node->app /s", "app->node /s");
            for (BridgeTransport t : BridgeTransport.values()) {
                inProcess(dir.resolve(t.name().toLowerCase()), t, trips, messages);
            }
            inRunc(dir.resolve("runc"), testApp, upper, trips);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A listener that queues replies and counts logs. */
    static final class Node implements NodeBridge.Listener {
        final BlockingQueue<BridgeCommand> replies = new LinkedBlockingQueue<>();
        final AtomicLong logs = new AtomicLong();

        @Override
        public void command(BridgeCommand command) {
            if (command instanceof BridgeCommand.Log) {
                logs.incrementAndGet();
            } else {
                replies.add(command);
            }
        }
    }

    private static void inProcess(Path dir, BridgeTransport transport, int trips, int messages) throws Exception {
        Files.createDirectories(dir);
        Node node = new Node();
        NodeBridge bridge = NodeBridge.open(dir, transport, BridgeLimits.DEFAULTS, node);
        AtomicLong received = new AtomicLong();
        BlockingQueue<Integer> sendLogs = new LinkedBlockingQueue<>();
        Thread app = new Thread(() -> {
            try {
                runApp(dir, transport, received, sendLogs);
            } catch (Exception e) {
                System.err.println("app thread: " + e);
            }
        }, "bench-app");
        app.setDaemon(true);
        app.start();
        try {
            long[] lat = roundTrips(bridge, node, trips);
            // node -> app: messages as fast as the bounded queue takes them
            long t0 = System.nanoTime();
            byte[] payload = new byte[64];
            for (int i = 0; i < messages; i++) {
                while (!bridge.deliver(new BridgeEvent.Message(PEER, "m", payload))) {
                    Thread.onSpinWait();
                }
            }
            long target = messages;
            while (received.get() < target) {
                Thread.sleep(1);
            }
            double down = messages / ((System.nanoTime() - t0) / 1e9);
            // app -> node
            long before = node.logs.get();
            long t1 = System.nanoTime();
            sendLogs.add(messages);
            while (node.logs.get() - before < messages) {
                Thread.sleep(1);
            }
            double up = messages / ((System.nanoTime() - t1) / 1e9);
            print("bridge alone, " + transport.name().toLowerCase().replace('_', ' '), lat, down, up);
        } finally {
            bridge.close();
        }
    }

    /** The app's end, in this JVM: answers requests, counts messages, writes logs on demand. */
    private static void runApp(Path dir, BridgeTransport transport, AtomicLong received, BlockingQueue<Integer> logs)
            throws Exception {
        BridgeCodec codec = new BridgeCodec(BridgeLimits.DEFAULTS);
        if (transport == BridgeTransport.UNIX_SOCKET) {
            BridgeClient client = BridgeClient.connect(dir.resolve(BridgeTransport.SOCKET_FILE), BridgeLimits.DEFAULTS);
            Thread writer = logWriter(logs, c -> client.send(c));
            writer.start();
            for (Optional<BridgeEvent> e = client.next(); e.isPresent(); e = client.next()) {
                if (e.get() instanceof BridgeEvent.Request r) {
                    client.send(new BridgeCommand.Reply(r.id(), r.payload()));
                } else {
                    received.incrementAndGet();
                }
            }
            return;
        }
        FileChannel events = FileChannel.open(dir.resolve(BridgeTransport.EVENTS_FIFO), StandardOpenOption.READ);
        FileChannel commands = FileChannel.open(dir.resolve(BridgeTransport.COMMANDS_FIFO), StandardOpenOption.WRITE);
        Object lock = new Object();
        Sender send = c -> {
            ByteBuffer b = ByteBuffer.wrap(codec.encode(c));
            synchronized (lock) {
                while (b.hasRemaining()) {
                    commands.write(b);
                }
            }
        };
        logWriter(logs, send).start();
        LineReader lines = new LineReader(events, BridgeLimits.DEFAULTS.maxLineBytes());
        for (int n = lines.next(); n >= 0; n = lines.next()) {
            BridgeEvent e = codec.decodeEvent(lines.line(), n);
            if (e instanceof BridgeEvent.Request r) {
                send.send(new BridgeCommand.Reply(r.id(), r.payload()));
            } else {
                received.incrementAndGet();
            }
        }
    }

    interface Sender {
        void send(BridgeCommand c) throws Exception;
    }

    private static Thread logWriter(BlockingQueue<Integer> logs, Sender send) {
        Thread t = new Thread(() -> {
            try {
                int n = logs.take();
                BridgeCommand.Log log = new BridgeCommand.Log("x".repeat(64));
                for (int i = 0; i < n; i++) {
                    send.send(log);
                }
            } catch (Exception e) {
                System.err.println("log writer: " + e);
            }
        }, "bench-app-logs");
        t.setDaemon(true);
        return t;
    }

    private static long[] roundTrips(NodeBridge bridge, Node node, int trips) throws Exception {
        byte[] payload = "ping".getBytes(StandardCharsets.UTF_8);
        int warmup = Math.min(500, trips / 5);
        long[] lat = new long[trips];
        for (int i = -warmup; i < trips; i++) {
            long t0 = System.nanoTime();
            bridge.deliver(new BridgeEvent.Request(i + warmup + 1, PEER, "echo", payload));
            BridgeCommand c = node.replies.poll(60, TimeUnit.SECONDS);
            if (c == null) {
                throw new IllegalStateException("no reply within 60 s");
            }
            if (i >= 0) {
                lat[i] = System.nanoTime() - t0;
            }
        }
        return lat;
    }

    private static void print(String name, long[] lat, double down, double up) {
        long[] s = lat.clone();
        Arrays.sort(s);
        long total = Arrays.stream(lat).sum();
        System.out.printf("%-34s %10.1f %10.1f %10.0f %14s %14s%n", name, s[s.length / 2] / 1e3,
                s[(int) (s.length * 0.99)] / 1e3, lat.length / (total / 1e9),
                Double.isNaN(down) ? "-" : String.format("%.0f", down), Double.isNaN(up) ? "-" : String.format("%.0f", up));
    }

    private static void inRunc(Path dir, Path testApp, Path upper, int trips) throws Exception {
        Files.createDirectories(dir);
        byte[] id = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        String nodeId = HexFormat.of().formatHex(id);
        FileImageStore images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        RuncDriver driver = RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
        InMemoryNode node = new InMemoryNode(dir, nodeId);
        node.contribute(new Resources(64_000, 64L << 30, 0));
        ContainerManagerImpl manager = ContainerManagerImpl.create(node, new InMemoryNode.Store(), images, "runc");
        manager.bindDriver(driver, Map.of(ContainerDriver.TYPE_PROPERTY, "runc"));
        runApp(manager, new BundleRuntime(images), dir, "bundle-app", testApp, "echo", trips);
        runApp(manager, new CommandRuntime(images), dir, "shell-app", commandArtifact(dir, upper), "upper",
                Math.max(50, trips / 20));
    }

    private static void runApp(ContainerManagerImpl manager, ApplicationRuntime runtime, Path dir, String name,
            Path artifact, String topic, int trips) throws Exception {
        Path member = Files.createDirectories(dir.resolve(name));
        AppDescriptor app;
        try (JarFile jar = new JarFile(artifact.toFile())) {
            Map<String, String> h = new HashMap<>();
            jar.getManifest().getMainAttributes().forEach((k, v) -> h.put(k.toString(), v.toString()));
            app = AppDescriptor.fromHeaders(h);
        }
        RuntimeLaunch launch = new RuntimeLaunch(app, artifact, Files.createDirectory(member.resolve("bridge")),
                Files.createDirectory(member.resolve("work")), name);
        RuntimePlan plan = runtime.prepare(launch);
        Node node = new Node();
        NodeBridge bridge = NodeBridge.open(launch.bridgeDirectory(), plan.transport(), BridgeLimits.DEFAULTS, node);
        try {
            long t0 = System.nanoTime();
            manager.run(plan.container());
            bridge.deliver(new BridgeEvent.Started(app.name(), NODE, List.of(NODE, PEER), NODE.id()));
            while (node.logs.get() == 0) {
                Thread.sleep(1);
            }
            double startMs = (System.nanoTime() - t0) / 1e6;
            byte[] payload = "ping".getBytes(StandardCharsets.UTF_8);
            int warmup = Math.min(200, trips / 5);
            long[] lat = new long[trips];
            for (int i = -warmup; i < trips; i++) {
                long t = System.nanoTime();
                bridge.deliver(new BridgeEvent.Request(i + warmup + 1, PEER, topic, payload));
                if (node.replies.poll(60, TimeUnit.SECONDS) == null) {
                    throw new IllegalStateException(name + " did not answer: "
                            + manager.logs(name, 0, 8192).text());
                }
                if (i >= 0) {
                    lat[i] = System.nanoTime() - t;
                }
            }
            print(name + " in runc (" + runtime.type() + ")", lat, Double.NaN, Double.NaN);
            System.out.printf("  %s: container start to the app's first log line: %.0f ms; memory %.1f MiB%n", name,
                    startMs, manager.stats(name).memoryBytes() / 1048576.0);
            bridge.deliver(new BridgeEvent.Stopped());
            manager.waitFor(name, Duration.ofSeconds(30));
        } finally {
            bridge.close();
            if (manager.get(name).isPresent()) {
                manager.destroy(name);
            }
        }
    }

    private static Path commandArtifact(Path dir, Path upper) throws Exception {
        Manifest mf;
        try (var in = Files.newInputStream(upper.resolve("MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        Path jar = dir.resolve("upper.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            j.putNextEntry(new java.util.jar.JarEntry("upper.sh"));
            j.write(Files.readAllBytes(upper.resolve("upper.sh")));
            j.closeEntry();
        }
        return jar;
    }


}
