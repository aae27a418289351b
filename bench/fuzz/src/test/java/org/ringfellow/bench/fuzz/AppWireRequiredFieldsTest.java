package org.ringfellow.bench.fuzz;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ringfellow.app.internal.AppWireProbe;

/**
 * Found by reading the app engine's member protocol while writing its fuzz target: the decoder
 * ({@code Wire.decode}) took a body with a required field missing, {@code {}}, as a record with
 * that field null, and the handler then failed on it with a NullPointerException that nobody
 * counted ({@code app.status}: {@code s.node().equals(...)}; {@code app.http}: a request with no
 * method or path handed to the app). Fixed: the bodies' records refuse a missing field, so the
 * decoder refuses the body like any malformed one (an IOException, counted). Failed before the fix.
 */
class AppWireRequiredFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {"Status", "Http"})
    void givenABodyWithoutItsRequiredFields_whenDecoded_thenRefused(String type) {
        assertThrows(IOException.class, () -> AppWireProbe.decode("{}".getBytes(StandardCharsets.UTF_8), type),
                type + " {} must be refused, not decoded with null fields");
    }
}
