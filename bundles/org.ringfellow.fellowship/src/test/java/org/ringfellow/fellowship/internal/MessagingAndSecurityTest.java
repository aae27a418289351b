package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.fellowship.internal.tls.Purpose;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.ringfellow.fellowship.internal.wire.FrameCodec;

class MessagingAndSecurityTest {

    static final FellowshipId F = new FellowshipId("chat");

    Cluster cluster;
    Cluster.Node a;
    Cluster.Node b;
    Cluster.Node c;
    Cluster.Node outsider;

    @BeforeEach
    void form() throws Exception {
        cluster = new Cluster(4);
        FellowshipSpec spec = new FellowshipSpec(F, 3, new ResourceQuery(Resources.NONE, Set.of(), Set.of(), Map.of(),
                Set.of(), 100), Resources.NONE, Duration.ofSeconds(5));
        Fellowship f = cluster.node(0).engine.create(spec).toCompletableFuture().get(30, TimeUnit.SECONDS);
        a = cluster.node(0);
        b = cluster.byId(f.roster().members().get(1).node());
        c = cluster.byId(f.roster().members().get(2).node());
        outsider = cluster.nodes.stream().filter(n -> !f.roster().contains(n.id())).findFirst().orElseThrow();
        for (Cluster.Node n : List.of(a, b, c)) {
            Cluster.await(n + " holds the roster", () -> n.fellowship(F).map(x -> x.roster().equals(f.roster()))
                    .orElse(false));
            n.listen(F);
        }
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    static List<FellowshipMessage> messages(Cluster.Node n) {
        return n.events.stream().filter(e -> e.type() == FellowshipEvent.Type.MESSAGE).map(e -> e.message().get())
                .toList();
    }

    @Test
    void givenMembers_whenOneSendsManyMessages_thenTheyArriveInOrderFromThatSender() throws Exception {
        Fellowship fb = b.fellowship(F).orElseThrow();
        for (int i = 0; i < 500; i++) {
            fb.send(a.id(), "count", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        }
        Cluster.await("500 messages arrived", () -> messages(a).size() == 500);
        List<FellowshipMessage> got = messages(a);
        for (int i = 0; i < 500; i++) {
            assertEquals(b.id(), got.get(i).from());
            assertEquals(Integer.toString(i), new String(got.get(i).payload(), StandardCharsets.UTF_8));
            assertEquals(0, got.get(i).correlation());
        }
    }

    /**
     * Messages are delivered where the channel reads them; the contract stays: listeners are
     * called on the fellowship service's one thread, never two at a time, and each sender's
     * messages in the order it sent them, while two members send at once.
     */
    @Test
    void givenTwoMembersSendingAtOnce_whenDelivered_thenOneThreadAtATimeAndEachSendersOrderKept() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger inside = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        a.fellowship(F).orElseThrow().subscribe(e -> {
            threads.add(Thread.currentThread());
            if (inside.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            Thread.yield();
            inside.decrementAndGet();
        });
        int n = 3000;
        List<Thread> senders = new ArrayList<>();
        for (Cluster.Node sender : List.of(b, c)) {
            Fellowship fs = sender.fellowship(F).orElseThrow();
            senders.add(new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    byte[] body = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
                    while (true) {
                        try {
                            fs.send(a.id(), "count", body);
                            break;
                        } catch (FellowshipException full) {
                            Thread.yield(); // backpressure: try again
                        }
                    }
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread t : senders) {
            t.join();
        }
        Cluster.await("both senders' messages arrived", () -> messages(a).size() == 2 * n);
        for (Cluster.Node sender : List.of(b, c)) {
            List<String> got = messages(a).stream().filter(m -> m.from().equals(sender.id()))
                    .map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
            assertEquals(IntStream.range(0, n).mapToObj(Integer::toString).toList(), got,
                    "the messages of " + sender + " in the order it sent them");
        }
        assertFalse(overlapped.get(), "a listener was called by two threads at once");
        assertEquals(1, threads.size(), "listeners are called on one thread: " + threads);
    }

    /** The sender's array is encoded before send returns (no defensive copy is kept): reusing it is safe. */
    @Test
    void givenASenderThatReusesItsArray_whenItChangesItRightAfterSend_thenEachMessageKeepsWhatWasSent()
            throws Exception {
        Fellowship fb = b.fellowship(F).orElseThrow();
        byte[] buffer = new byte[1024];
        for (int i = 0; i < 200; i++) {
            Arrays.fill(buffer, (byte) i);
            fb.send(a.id(), "reuse", buffer);
        }
        Arrays.fill(buffer, (byte) -1);
        Cluster.await("200 messages arrived", () -> messages(a).size() == 200);
        for (int i = 0; i < 200; i++) {
            byte[] expected = new byte[1024];
            Arrays.fill(expected, (byte) i);
            assertArrayEquals(expected, messages(a).get(i).payload(), "message " + i);
        }
    }

    @Test
    void givenMembers_whenBroadcasting_thenEveryOtherMemberGetsItAndTheSenderDoesNot() throws Exception {
        a.fellowship(F).orElseThrow().broadcast("hello", new byte[] {42});
        Cluster.await("b and c got it", () -> messages(b).size() == 1 && messages(c).size() == 1);
        assertArrayEquals(new byte[] {42}, messages(c).get(0).payload());
        assertTrue(messages(a).isEmpty());
    }

    @Test
    void givenARequest_whenTheMemberReplies_thenTheReplyCompletesItAndSilenceTimesOut() throws Exception {
        Fellowship fb = b.fellowship(F).orElseThrow();
        fb.subscribe(e -> {
            if (e.type() == FellowshipEvent.Type.MESSAGE && e.message().get().correlation() != 0) {
                try {
                    fb.reply(e.message().get(), ("echo " + new String(e.message().get().payload(),
                            StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                } catch (FellowshipException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        });
        FellowshipMessage reply = a.fellowship(F).orElseThrow().request(b.id(), "ping", "hi".getBytes(
                StandardCharsets.UTF_8), Duration.ofSeconds(20)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals("echo hi", new String(reply.payload(), StandardCharsets.UTF_8));
        assertEquals(b.id(), reply.from());

        ExecutionException e = assertThrows(ExecutionException.class, () -> a.fellowship(F).orElseThrow()
                .request(c.id(), "ping", new byte[0], Duration.ofMillis(300)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS));
        assertInstanceOf(FellowshipException.class, e.getCause());
    }

    @Test
    void givenBadArguments_whenSending_thenRefusedWithAReason() {
        Fellowship fa = a.fellowship(F).orElseThrow();
        assertThrows(FellowshipException.class, () -> fa.send(outsider.id(), "t", new byte[0]), "not a member");
        assertThrows(FellowshipException.class, () -> fa.send(b.id(), "", new byte[0]), "empty topic");
        assertThrows(FellowshipException.class, () -> fa.send(b.id(), "x".repeat(129), new byte[0]));
        assertThrows(FellowshipException.class, () -> fa.send(b.id(), "t", new byte[FellowshipService.MAX_PAYLOAD + 1]));
    }

    @Test
    void givenAReceiverThatDoesNotRead_whenTheSenderKeepsSending_thenSendingIsRefusedInsteadOfQueueingWithoutBound()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        a.fellowship(F).orElseThrow().subscribe(e -> {
            try {
                release.await(60, TimeUnit.SECONDS); // a's fellowship thread is stuck: it reads nothing more
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        Fellowship fb = b.fellowship(F).orElseThrow();
        byte[] mib = new byte[FellowshipService.MAX_PAYLOAD];
        int sent = 0;
        FellowshipException refused = null;
        // 8 MiB budget on the link, 8 MiB waiting at the receiver, plus the sockets' buffers.
        while (sent < 200 && refused == null) {
            try {
                fb.send(a.id(), "bulk", mib);
                sent++;
            } catch (FellowshipException e) {
                refused = e;
            }
            if (refused == null && sent % 8 == 0) {
                Thread.sleep(50); // let the bytes that can move, move
            }
        }
        release.countDown();
        assertTrue(refused != null, "the sender refused after " + sent + " MiB instead of queueing them");
        assertTrue(refused.getMessage().contains("not keeping up"), refused.getMessage());
        assertTrue(b.engine.transport().stats().backpressure() > 0);
        Cluster.await("after the reader catches up, sending works again", () -> {
            try {
                fb.send(a.id(), "small", new byte[1]);
                return true;
            } catch (FellowshipException e) {
                return false;
            }
        });
    }

    @Test
    void givenAnOutsider_whenItDialsAMembersFellowshipChannel_thenTheHandshakeIsRefusedAndNothingIsDelivered()
            throws Exception {
        long before = a.engine.transport().rejectedHandshakes();
        outsider.engine.transport().link(a.id(), a.engine.advertised(), Purpose.of(F))
                .send(new Frame.Message(F, 1, Frame.Message.Kind.SEND, "inject", 0, new byte[] {1}));
        Cluster.await("a refused the outsider's handshake", () -> a.engine.transport().rejectedHandshakes() > before);
        // The raw way too: a complete TLS client with the outsider's real key.
        try (RawClient raw = new RawClient(outsider.identity, a.engine.advertised(), Purpose.of(F))) {
            raw.write(frame(new Frame.Message(F, 1, Frame.Message.Kind.SEND, "inject", 0, new byte[] {2})));
            assertTrue(raw.closedWithin(Duration.ofSeconds(20)), "the member closed the outsider's connection");
        }
        Thread.sleep(300);
        assertTrue(messages(a).isEmpty(), "no message from the outsider was delivered");
    }

    @Test
    void givenAnOutsiderOnTheInvitationChannel_whenItSendsAFellowshipMessage_thenItIsDroppedAndTheLinkClosed()
            throws Exception {
        long before = a.engine.stats().get("drop.protocol-violation");
        try (RawClient raw = new RawClient(outsider.identity, a.engine.advertised(), Purpose.INVITE)) {
            assertTrue(raw.ssl.handshakeFuture().isSuccess(), "a Ring member may open the invitation channel");
            raw.write(frame(new Frame.Message(F, 1, Frame.Message.Kind.SEND, "inject", 0, new byte[] {3})));
            assertTrue(raw.closedWithin(Duration.ofSeconds(20)));
        }
        assertEquals(before + 1, a.engine.stats().get("drop.protocol-violation"));
        assertTrue(messages(a).isEmpty());
    }

    @Test
    void givenAMemberSendingMalformedFrames_whenReceived_thenEachIsCountedItsConnectionClosedAndTheNodeCarriesOn()
            throws Exception {
        long malformed = a.engine.transport().stats().malformed();
        try (RawClient raw = new RawClient(b.identity, a.engine.advertised(), Purpose.of(F))) {
            ByteBuf junk = Unpooled.buffer();
            junk.writeInt(5).writeBytes(new byte[] {FrameCodec.VERSION, 99, 0, 0, 0}); // unknown type 99
            raw.write(junk);
            assertTrue(raw.closedWithin(Duration.ofSeconds(20)));
        }
        Cluster.await("the malformed frame was counted", () -> a.engine.transport().stats().malformed() == malformed + 1);

        long oversized = a.engine.transport().stats().oversized();
        try (RawClient raw = new RawClient(b.identity, a.engine.advertised(), Purpose.of(F))) {
            ByteBuf huge = Unpooled.buffer();
            huge.writeInt(Integer.MAX_VALUE).writeBytes(new byte[64]); // a length far over the limit
            raw.write(huge);
            assertTrue(raw.closedWithin(Duration.ofSeconds(20)));
        }
        Cluster.await("the oversized frame was counted", () -> a.engine.transport().stats().oversized() == oversized + 1);

        try (RawClient raw = new RawClient(b.identity, a.engine.advertised(), Purpose.of(F))) {
            ByteBuf truncated = Unpooled.buffer();
            byte[] body = body(new Frame.Message(F, 1, Frame.Message.Kind.SEND, "t", 0, new byte[100]));
            truncated.writeInt(body.length - 50).writeBytes(body, 0, body.length - 50); // payload length lies
            raw.write(truncated);
            assertTrue(raw.closedWithin(Duration.ofSeconds(20)));
        }
        Cluster.await("the truncated frame was counted", () -> a.engine.transport().stats().malformed() == malformed + 2);

        b.fellowship(F).orElseThrow().send(a.id(), "still-there", new byte[] {7});
        Cluster.await("a still receives b's messages", () -> messages(a).stream()
                .anyMatch(m -> m.topic().equals("still-there")));
        assertFalse(messages(a).stream().anyMatch(m -> m.topic().equals("t")));
    }

    static byte[] body(Frame f) {
        ByteBuf buf = Unpooled.buffer();
        org.ringfellow.fellowship.internal.wire.FrameCodec.encode(f, buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    static ByteBuf frame(Frame f) {
        byte[] body = body(f);
        return Unpooled.buffer().writeInt(body.length).writeBytes(body);
    }

    @Test
    void givenAFormerMember_whenItSendsAfterItWasRemoved_thenNothingIsDelivered() throws Exception {
        Fellowship fc = c.fellowship(F).orElseThrow();
        fc.leave();
        Cluster.await("a no longer lists c", () -> !a.fellowship(F).orElseThrow().roster().contains(c.id()));
        assertThrows(FellowshipException.class, () -> fc.send(a.id(), "late", new byte[0]));
        // A raw connection with c's genuine key: a former member may still connect (to deliver a roster
        // of a later epoch after a partition), but a message from it is dropped and its link closed.
        long before = a.engine.stats().get("drop.non-member");
        try (RawClient raw = new RawClient(c.identity, a.engine.advertised(), Purpose.of(F))) {
            raw.write(frame(new Frame.Message(F, 1, Frame.Message.Kind.SEND, "late", 0, new byte[0])));
            assertTrue(raw.closedWithin(Duration.ofSeconds(20)));
        }
        assertEquals(before + 1, a.engine.stats().get("drop.non-member"));
        assertEquals(Optional.empty(), messages(a).stream().filter(m -> m.topic().equals("late")).findFirst());
    }
}
