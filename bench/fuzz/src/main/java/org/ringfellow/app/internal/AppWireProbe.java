package org.ringfellow.app.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Reaches the app engine's package-private member protocol decoder ({@code Wire.decode}) for
 * the fuzz target {@code org.ringfellow.bench.fuzz.AppWireTarget}; not part of any bundle.
 */
public final class AppWireProbe {

    /** Every body a member decodes from another member's message, in the order the selector byte picks them. */
    private static final List<Class<?>> TYPES = List.of(Wire.Fetch.class, Wire.Envelope.class, Wire.Answer.class,
            Wire.Status.class, Wire.Http.class, Wire.HttpAnswer.class, Wire.LogRead.class, Wire.LogAnswer.class,
            Wire.Scale.class, AppRecord.class);

    private static final com.fasterxml.jackson.databind.ObjectMapper TREES = new com.fasterxml.jackson.databind.ObjectMapper();

    private AppWireProbe() {
    }

    /**
     * Decodes the input as the body type its first byte picks; a decoded value must encode to
     * bytes that decode to a value encoding the same JSON.
     *
     * @param data a selector byte, then a JSON body
     * @return false if the decoder refused the input (an {@link IOException}), true if it decoded
     */
    public static boolean decodeAndRoundTrip(byte[] data) {
        if (data.length == 0) {
            return false;
        }
        Class<?> type = TYPES.get(Math.floorMod(data[0], TYPES.size()));
        byte[] body = Arrays.copyOfRange(data, 1, data.length);
        Object value;
        try {
            value = Wire.decode(body, type);
        } catch (IOException refused) {
            return false;
        }
        byte[] once = Wire.encode(value);
        byte[] twice;
        try {
            twice = Wire.encode(Wire.decode(once, type));
        } catch (IOException e) {
            throw new IllegalStateException("app wire " + type.getSimpleName() + ": its own encoding of a decoded "
                    + "value is refused: " + e.getMessage(), e);
        }
        // compared as JSON trees: an object's fields in any order (the record's header map is
        // Map.copyOf, whose iteration order is not the insertion order, so two encodings of one
        // record may list its headers in different orders)
        if (!sameJson(once, twice)) {
            throw new IllegalStateException("app wire " + type.getSimpleName() + ": a decoded value does not survive "
                    + "encode/decode:\n  " + new String(once, java.nio.charset.StandardCharsets.UTF_8) + "\n  "
                    + new String(twice, java.nio.charset.StandardCharsets.UTF_8));
        }
        return true;
    }

    private static boolean sameJson(byte[] a, byte[] b) {
        try {
            return TREES.readTree(a).equals(TREES.readTree(b));
        } catch (IOException e) {
            throw new IllegalStateException("app wire: its own encoding is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes a body as one type, for tests.
     *
     * @param body the JSON body
     * @param typeName the simple name of a type of {@link #TYPES}
     * @return the value
     * @throws IOException if the decoder refuses it
     */
    public static Object decode(byte[] body, String typeName) throws IOException {
        for (Class<?> t : TYPES) {
            if (t.getSimpleName().equals(typeName)) {
                return Wire.decode(body, t);
            }
        }
        throw new IllegalArgumentException("no app wire type " + typeName);
    }
}
