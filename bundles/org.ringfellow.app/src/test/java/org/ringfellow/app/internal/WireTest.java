package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ringfellow.api.app.AppState;

/**
 * The member protocol's bodies: a body without a field its handler needs is refused by the
 * decoder (an IOException, counted as malformed by the caller), where it used to decode with the
 * field null and fail later in the handler with a NullPointerException that nobody counted
 * (found by the fuzzing of docs/reliability.md).
 */
class WireTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Status | {}",
            "Status | {\"node\":\"\",\"state\":\"RUNNING\"}",
            "Status | {\"node\":\"ab12\"}",
            "Http   | {}",
            "Http   | {\"method\":\"GET\"}",
            "Http   | {\"path\":\"/\"}",
            "Fetch  | {\"offset\":0}",
            "Fetch  | {\"digest\":\"sha256:00\",\"offset\":-1}",
            "LogRead | {\"offset\":-5}"})
    void givenABodyMissingOrBreakingARequiredField_whenDecoded_thenRefused(String type, String json) {
        Class<?> c = switch (type) {
            case "Status" -> Wire.Status.class;
            case "Http" -> Wire.Http.class;
            case "Fetch" -> Wire.Fetch.class;
            default -> Wire.LogRead.class;
        };
        IOException e = assertThrows(IOException.class, () -> Wire.decode(json.getBytes(StandardCharsets.UTF_8), c),
                type + " " + json + " must be refused");
        assertTrue(e.getMessage().startsWith("malformed " + c.getSimpleName()), e.getMessage());
    }

    @Test
    void givenWholeBodies_whenEncodedAndDecoded_thenTheyComeBackAsSent() throws IOException {
        Wire.Status s = new Wire.Status("ab12", "node1", "c1", "runc", AppState.RUNNING, "ok");
        assertEquals(s, Wire.decode(Wire.encode(s), Wire.Status.class));
        Wire.Http h = Wire.decode(Wire.encode(new Wire.Http("GET", "/x", null, Map.of("a", List.of("b")), null)),
                Wire.Http.class);
        assertEquals("/x", h.toRequest().path());
        assertEquals("", h.toRequest().query());
        assertEquals(7L, Wire.decode(Wire.encode(new Wire.Fetch("sha256:00", 7)), Wire.Fetch.class).offset());
        assertEquals(0L, Wire.decode(Wire.encode(new Wire.LogRead(0)), Wire.LogRead.class).offset());
    }
}
