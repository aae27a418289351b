package org.ringfellow.bench.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.ringfellow.fellowship.internal.wire.FrameCodec;
import org.ringfellow.fellowship.internal.wire.MalformedFrameException;

/** A fellowship channel's frame bodies (after TLS and the length prefix): {@code FrameCodec.decode}. */
public final class FellowshipFrameTarget {

    private FellowshipFrameTarget() {
    }

    /**
     * One input.
     *
     * @param data a frame body as an authenticated peer could send it
     */
    public static void fuzzerTestOneInput(byte[] data) {
        Frame f;
        try {
            f = FrameCodec.decode(Unpooled.wrappedBuffer(data));
        } catch (MalformedFrameException refused) {
            return;
        }
        byte[] once = encode(f);
        try {
            RoundTrip.same("fellowship frame", once, encode(FrameCodec.decode(Unpooled.wrappedBuffer(once))));
        } catch (MalformedFrameException e) {
            throw new IllegalStateException("fellowship frame: its own encoding of a decoded frame is refused: " + e, e);
        }
    }

    private static byte[] encode(Frame f) {
        ByteBuf out = Unpooled.buffer();
        try {
            FrameCodec.encode(f, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
