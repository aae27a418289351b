package org.ringfellow.bench.fuzz;

import org.ringfellow.ring.internal.codec.Codec;
import org.ringfellow.ring.internal.codec.DecodeException;
import org.ringfellow.ring.internal.codec.Message;

/** The Ring's UDP datagrams (probes, acks, gossip): {@code Codec.decodeDatagram}. */
public final class RingDatagramTarget {

    private RingDatagramTarget() {
    }

    /**
     * One input.
     *
     * @param data a datagram as a peer could send it
     */
    public static void fuzzerTestOneInput(byte[] data) {
        Message m;
        try {
            m = Codec.decodeDatagram(data);
        } catch (DecodeException refused) {
            return;
        }
        byte[] once = Codec.encodeDatagram(m);
        try {
            RoundTrip.same("ring datagram", once, Codec.encodeDatagram(Codec.decodeDatagram(once)));
        } catch (DecodeException e) {
            throw new IllegalStateException("ring datagram: its own encoding of a decoded message is refused: " + e, e);
        }
    }
}
