package org.ringfellow.app.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;

class BridgeCodecTest {

    final BridgeCodec codec = new BridgeCodec(BridgeLimits.DEFAULTS);
    final MemberRef a = new MemberRef("aa01", "node-a", true);
    final MemberRef b = new MemberRef("bb02", "node-b", false);

    private BridgeEvent roundTrip(BridgeEvent e) throws MalformedLineException {
        byte[] line = codec.encode(e);
        assertEquals('\n', line[line.length - 1]);
        return codec.decodeEvent(line, line.length - 1);
    }

    private BridgeCommand roundTrip(BridgeCommand c) throws MalformedLineException {
        byte[] line = codec.encode(c);
        return codec.decodeCommand(line, line.length - 1);
    }

    private BridgeCommand command(String json) throws MalformedLineException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return codec.decodeCommand(b, b.length);
    }

    @Test
    void givenEveryEvent_whenEncodedAndDecoded_thenTheSameEventComesBack() throws Exception {
        assertEquals(new BridgeEvent.Started("calc", a, List.of(a, b), "aa01"),
                roundTrip(new BridgeEvent.Started("calc", a, List.of(a, b), "aa01")));
        assertEquals(new BridgeEvent.Stopped(), roundTrip(new BridgeEvent.Stopped()));
        BridgeEvent.Message m = (BridgeEvent.Message) roundTrip(new BridgeEvent.Message(b, "t", new byte[] {1, 2, 3}));
        assertEquals(b, m.from());
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
        BridgeEvent.Request r = (BridgeEvent.Request) roundTrip(new BridgeEvent.Request(7, b, "upper", "hi".getBytes()));
        assertEquals(7, r.id());
        assertEquals("upper", r.topic());
        BridgeEvent.Reply rep = (BridgeEvent.Reply) roundTrip(new BridgeEvent.Reply(9, b, new byte[0]));
        assertEquals(0, rep.payload().length);
        assertEquals(new BridgeEvent.RequestFailed(3, "timeout"), roundTrip(new BridgeEvent.RequestFailed(3, "timeout")));
        assertEquals(new BridgeEvent.MemberJoined(b), roundTrip(new BridgeEvent.MemberJoined(b)));
        assertEquals(new BridgeEvent.MemberLeft(b), roundTrip(new BridgeEvent.MemberLeft(b)));
        assertEquals(new BridgeEvent.CoordinatorChanged(b), roundTrip(new BridgeEvent.CoordinatorChanged(b)));
        BridgeEvent.Http h = (BridgeEvent.Http) roundTrip(new BridgeEvent.Http(4, new HttpRequest("POST", "/x", "a=1",
                Map.of("content-type", List.of("text/plain")), "body".getBytes())));
        assertEquals("POST", h.request().method());
        assertEquals(Map.of("content-type", List.of("text/plain")), h.request().headers());
        assertEquals("body", new String(h.request().body()));
    }

    @Test
    void givenEveryCommand_whenEncodedAndDecoded_thenTheSameCommandComesBack() throws Exception {
        BridgeCommand.Send s = (BridgeCommand.Send) roundTrip(new BridgeCommand.Send("bb02", "t", "x".getBytes()));
        assertEquals("bb02", s.to());
        assertEquals("x", new String(s.payload()));
        assertEquals("t", ((BridgeCommand.Broadcast) roundTrip(new BridgeCommand.Broadcast("t", new byte[0]))).topic());
        BridgeCommand.Request r = (BridgeCommand.Request) roundTrip(new BridgeCommand.Request(5, "bb02", "t",
                new byte[0], 1500));
        assertEquals(1500, r.timeoutMillis());
        assertEquals(5, ((BridgeCommand.Reply) roundTrip(new BridgeCommand.Reply(5, new byte[] {9}))).id());
        assertEquals(new BridgeCommand.ReplyError(5, "no"), roundTrip(new BridgeCommand.ReplyError(5, "no")));
        BridgeCommand.HttpReply h = (BridgeCommand.HttpReply) roundTrip(new BridgeCommand.HttpReply(2,
                HttpResponse.text(201, "text/plain", "made")));
        assertEquals(201, h.response().status());
        assertEquals("made", new String(h.response().body(), StandardCharsets.UTF_8));
        assertEquals(new BridgeCommand.Log("hello \"world\"\n"), roundTrip(new BridgeCommand.Log("hello \"world\"\n")));
    }

    @Test
    void givenAnEvent_whenEncoded_thenFieldsComeInTheDocumentedOrderWithoutSpaces() {
        String line = new String(codec.encode(new BridgeEvent.Request(12, b, "upper", "hi".getBytes())),
                StandardCharsets.UTF_8);
        assertEquals("{\"v\":1,\"type\":\"request\",\"id\":12,\"from\":{\"id\":\"bb02\",\"name\":\"node-b\","
                + "\"coordinator\":false},\"topic\":\"upper\",\"payload\":\"aGk=\"}\n", line);
    }

    @Test
    void givenAShellStyleCommandWithoutOptionalFields_whenDecoded_thenDefaultsApply() throws Exception {
        BridgeCommand.Reply r = (BridgeCommand.Reply) command("{\"v\":1,\"type\":\"reply\",\"id\":3}");
        assertEquals(0, r.payload().length);
        BridgeCommand.Request q = (BridgeCommand.Request) command(
                "{\"v\":1,\"type\":\"request\",\"id\":1,\"to\":\"bb02\",\"topic\":\"t\",\"extra\":[1,2]}");
        assertEquals(30_000, q.timeoutMillis());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "not json", "[1,2]", "{\"type\":\"log\",\"message\":\"x\"}", "{\"v\":2,\"type\":\"log\",\"message\":\"x\"}",
        "{\"v\":1,\"type\":\"explode\"}", "{\"v\":1,\"type\":\"log\"}", "{\"v\":1,\"type\":\"log\",\"message\":7}",
        "{\"v\":1,\"type\":\"reply\",\"id\":0}", "{\"v\":1,\"type\":\"reply\",\"id\":-4}",
        "{\"v\":1,\"type\":\"reply\",\"id\":1,\"payload\":\"!!!!\"}",
        "{\"v\":1,\"type\":\"send\",\"to\":\"../etc\",\"topic\":\"t\"}",
        "{\"v\":1,\"type\":\"send\",\"to\":\"bb\",\"topic\":\"\"}",
        "{\"v\":1,\"type\":\"request\",\"id\":1,\"to\":\"bb\",\"topic\":\"t\",\"timeoutMs\":0}",
        "{\"v\":1,\"type\":\"http-response\",\"id\":1,\"status\":99}",
        "{\"v\":1,\"type\":\"log\",\"message\":\"x\"} trailing",
        "{\"v\":1,\"type\":\"log\",\"message\":\"x\",\"deep\":[[[[[1]]]]]}",
        "{\"v\":1,\"type\":\"log\",\"message\":\"x\"",
        "{\"v\":99999999999999999999999,\"type\":\"log\",\"message\":\"x\"}"
    })
    void givenAMalformedLine_whenDecoded_thenItIsRefusedWithAReason(String line) {
        MalformedLineException e = assertThrows(MalformedLineException.class, () -> command(line));
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void givenAPayloadBeyondTheLimit_whenEncodedOrDecoded_thenRefused() {
        BridgeLimits small = new BridgeLimits(64 * 1024, 1000, 64, 1024, 8);
        BridgeCodec c = new BridgeCodec(small);
        assertThrows(IllegalArgumentException.class, () -> c.encode(new BridgeCommand.Broadcast("t", new byte[1001])));
        byte[] big = codec.encode(new BridgeCommand.Broadcast("t", new byte[1001]));
        assertThrows(MalformedLineException.class, () -> c.decodeCommand(big, big.length - 1));
        assertThrows(IllegalArgumentException.class, () -> c.encode(new BridgeCommand.Log("x".repeat(1025))));
        assertThrows(IllegalArgumentException.class, () -> c.encode(new BridgeCommand.Send("b", "t".repeat(65),
                new byte[0])));
    }

    @Test
    void givenLimitsWhoseLineCannotHoldAFullPayload_whenMade_thenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BridgeLimits(1000, 1000, 64, 1024, 8));
    }
}
