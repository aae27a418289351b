package org.ringfellow.bench.fuzz;

import java.util.Arrays;

/** The round-trip check the targets share. */
final class RoundTrip {

    private RoundTrip() {
    }

    /**
     * Fails unless a value that decoded encodes to bytes that decode to a value encoding the same.
     *
     * @param what the decoder, for the message
     * @param once the encoding of the first decoded value
     * @param twice the encoding of the value decoded from {@code once}
     */
    static void same(String what, byte[] once, byte[] twice) {
        if (!Arrays.equals(once, twice)) {
            throw new IllegalStateException(what + ": a decoded value does not survive encode/decode:\n  "
                    + Arrays.toString(once) + "\n  " + Arrays.toString(twice));
        }
    }
}
