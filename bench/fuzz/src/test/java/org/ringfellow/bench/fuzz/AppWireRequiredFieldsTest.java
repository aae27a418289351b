package org.ringfellow.bench.fuzz;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ringfellow.app.internal.AppWireProbe;

/**
 * Found by reading the app engine's member protocol while writing its fuzz target, not fixed (the
 * app bundle is another engineer's this round; docs/reliability.md, "Defects found"): the
 * decoder ({@code Wire.decode}) takes a body with a required field missing, {@code {}}, as a
 * record with that field null. The handler then fails on it with a NullPointerException
 * ({@code app.status}: {@code s.node().equals(...)}; {@code app.http}: a request with no method
 * or path handed to the app),
 * which {@code MemberProtocol.dispatch} does not catch: the message is not counted as malformed,
 * the fellowship's listener guard logs a stack trace for each one, and a requester waits for its
 * timeout instead of an answer. Expected: refused like any malformed body (an IOException).
 * Run it with {@code -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}.
 */
@Disabled("found, not fixed: a member protocol body missing a required field decodes with it null (docs/reliability.md)")
class AppWireRequiredFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {"Status", "Http"})
    void givenABodyWithoutItsRequiredFields_whenDecoded_thenRefused(String type) {
        assertThrows(IOException.class, () -> AppWireProbe.decode("{}".getBytes(StandardCharsets.UTF_8), type),
                type + " {} must be refused, not decoded with null fields");
    }
}
