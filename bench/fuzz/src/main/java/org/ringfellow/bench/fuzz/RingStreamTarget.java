package org.ringfellow.bench.fuzz;

import org.ringfellow.ring.internal.codec.Codec;
import org.ringfellow.ring.internal.codec.DecodeException;
import org.ringfellow.ring.internal.codec.Message;

/** The Ring's TCP push-pull exchange: {@code Codec.decodeStream}. */
public final class RingStreamTarget {

    private RingStreamTarget() {
    }

    /**
     * One input.
     *
     * @param data a push-pull body as a peer could send it
     */
    public static void fuzzerTestOneInput(byte[] data) {
        Message.PushPull pp;
        try {
            pp = Codec.decodeStream(data);
        } catch (DecodeException refused) {
            return;
        }
        byte[] once = Codec.encodeStream(pp);
        try {
            RoundTrip.same("ring stream", once, Codec.encodeStream(Codec.decodeStream(once)));
        } catch (DecodeException e) {
            throw new IllegalStateException("ring stream: its own encoding of a decoded exchange is refused: " + e, e);
        }
    }
}
