package org.ringfellow.app.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.MemberRef;
import org.ringfellow.api.runtime.BridgeTransport;

class NodeBridgeTest {

    @TempDir
    Path dir;
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    NodeBridge bridge;
    Process process;
    final MemberRef self = new MemberRef("aa01", "a", true);

    final NodeBridge.Listener listener = new NodeBridge.Listener() {
        @Override
        public void command(BridgeCommand command) {
            received.add(command);
        }

        @Override
        public void malformed(String reason) {
            received.add("malformed: " + reason);
        }

        @Override
        public void disconnected(String reason) {
            received.add("disconnected");
        }
    };

    @AfterEach
    void tearDown() throws Exception {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    private Object next() throws InterruptedException {
        Object o = received.poll(30, TimeUnit.SECONDS);
        assertTrue(o != null, "nothing arrived from the app");
        return o;
    }

    @Test
    void givenASocketBridge_whenAClientConnects_thenEventsAndCommandsFlowBothWays() throws Exception {
        bridge = NodeBridge.open(dir, BridgeTransport.UNIX_SOCKET, BridgeLimits.DEFAULTS, listener);
        bridge.deliver(new BridgeEvent.Started("app", self, List.of(self), "aa01"));
        try (BridgeClient client = BridgeClient.connect(dir.resolve(BridgeTransport.SOCKET_FILE),
                BridgeLimits.DEFAULTS)) {
            assertInstanceOf(BridgeEvent.Started.class, client.next().orElseThrow());
            bridge.deliver(new BridgeEvent.Request(1, self, "t", "x".getBytes()));
            BridgeEvent.Request r = (BridgeEvent.Request) client.next().orElseThrow();
            client.send(new BridgeCommand.Reply(r.id(), "y".getBytes()));
            BridgeCommand.Reply reply = (BridgeCommand.Reply) next();
            assertEquals(1, reply.id());
            assertEquals("y", new String(reply.payload()));
        }
        assertEquals("disconnected", next());
        assertEquals(1, bridge.stats().connections());
        assertEquals(2, bridge.stats().linesOut());
    }

    @Test
    void givenGarbageAndAnOverlongLine_whenTheAppSendsThem_thenTheyAreCountedAndTheNextLineStillWorks()
            throws Exception {
        BridgeLimits limits = new BridgeLimits(16 * 1024, 1024, 64, 1024, 8);
        bridge = NodeBridge.open(dir, BridgeTransport.UNIX_SOCKET, limits, listener);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve(BridgeTransport.SOCKET_FILE)));
            String lines = "garbage\n" + "{".repeat(20_000) + "\n" + "\u0000\u0001\u0002\n"
                    + "{\"v\":1,\"type\":\"log\",\"message\":\"still here\"}\n";
            ByteBuffer buf = ByteBuffer.wrap(lines.getBytes(StandardCharsets.ISO_8859_1));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            Object o;
            do {
                o = next();
            } while (o instanceof String);
            assertEquals(new BridgeCommand.Log("still here"), o);
        }
        BridgeStats s = bridge.stats();
        assertEquals(2, s.malformed());
        assertEquals(1, s.oversized());
        assertEquals(1, s.linesIn());
    }

    @Test
    void givenAnAppThatNeverReads_whenEventsPileUp_thenTheQueueStaysBoundedAndDeliverRefuses() throws Exception {
        BridgeLimits limits = new BridgeLimits(16 * 1024, 1024, 64, 1024, 4);
        bridge = NodeBridge.open(dir, BridgeTransport.UNIX_SOCKET, limits, listener);
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            if (bridge.deliver(new BridgeEvent.MemberJoined(self))) {
                accepted++;
            }
        }
        assertEquals(4, accepted);
        assertEquals(6, bridge.stats().dropped());
        assertEquals(4, bridge.queued());
    }

    @Test
    void givenAFifoBridge_whenAShellProgramReadsAndWritesThePipes_thenItAnswersEachEvent() throws Exception {
        bridge = NodeBridge.open(dir, BridgeTransport.FIFO_PAIR, BridgeLimits.DEFAULTS, listener);
        assertTrue(Files.exists(dir.resolve(BridgeTransport.EVENTS_FIFO)));
        String script = "while IFS= read -r line; do "
                + "case \"$line\" in *'\"type\":\"stopped\"'*) exit 0;; esac; "
                + "printf '%s\\n' '{\"v\":1,\"type\":\"log\",\"message\":\"got one\"}'; done";
        process = new ProcessBuilder("sh", "-c", "exec sh -c \"$0\" <\"$1\"/events >\"$1\"/commands", script,
                dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        bridge.deliver(new BridgeEvent.MemberJoined(self));
        bridge.deliver(new BridgeEvent.MemberLeft(self));
        assertEquals(new BridgeCommand.Log("got one"), next());
        assertEquals(new BridgeCommand.Log("got one"), next());
        bridge.deliver(new BridgeEvent.Stopped());
        assertEquals("disconnected", next());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
    }

    @Test
    void givenAFifoBridgeNobodyOpened_whenClosed_thenItsThreadsEndAndItsFilesAreGone() throws Exception {
        bridge = NodeBridge.open(dir, BridgeTransport.FIFO_PAIR, BridgeLimits.DEFAULTS, listener);
        bridge.close();
        assertFalse(Files.exists(dir.resolve(BridgeTransport.EVENTS_FIFO)));
        assertFalse(Files.exists(dir.resolve(BridgeTransport.COMMANDS_FIFO)));
        assertFalse(bridge.deliver(new BridgeEvent.Stopped()));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("ringfellow-bridge-" + dir.getFileName())));
    }

    @Test
    void givenADirectoryTooDeepForASocket_whenOpened_thenTheMessageSaysSo() throws IOException {
        Path deep = Files.createDirectories(dir.resolve("x".repeat(60)).resolve("y".repeat(60)));
        IOException e = assertThrows(IOException.class,
                () -> NodeBridge.open(deep, BridgeTransport.UNIX_SOCKET, BridgeLimits.DEFAULTS, listener));
        assertTrue(e.getMessage().contains("shorter bridge directory"), e.getMessage());
    }
}
