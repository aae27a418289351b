package org.ringfellow.bench.fuzz;

import org.ringfellow.app.bridge.BridgeCodec;
import org.ringfellow.app.bridge.BridgeCommand;
import org.ringfellow.app.bridge.BridgeEvent;
import org.ringfellow.app.bridge.BridgeLimits;
import org.ringfellow.app.bridge.MalformedLineException;

/**
 * The bridge between an app and its node, both ways: a line the app's container writes
 * ({@code decodeCommand}, read by the node from untrusted code) and a line the node writes
 * ({@code decodeEvent}, read by the app's host library).
 */
public final class BridgeTarget {

    private static final BridgeCodec CODEC = new BridgeCodec(BridgeLimits.DEFAULTS);

    private BridgeTarget() {
    }

    /**
     * One input.
     *
     * @param data a line without its newline
     */
    public static void fuzzerTestOneInput(byte[] data) {
        command(data);
        event(data);
    }

    private static void command(byte[] data) {
        BridgeCommand c;
        try {
            c = CODEC.decodeCommand(data, data.length);
        } catch (MalformedLineException refused) {
            return;
        }
        byte[] once = strip(CODEC.encode(c));
        try {
            RoundTrip.same("bridge command", once, strip(CODEC.encode(CODEC.decodeCommand(once, once.length))));
        } catch (MalformedLineException e) {
            throw new IllegalStateException("bridge command: its own encoding of a decoded command is refused: " + e, e);
        }
    }

    private static void event(byte[] data) {
        BridgeEvent ev;
        try {
            ev = CODEC.decodeEvent(data, data.length);
        } catch (MalformedLineException refused) {
            return;
        }
        byte[] once = strip(CODEC.encode(ev));
        try {
            RoundTrip.same("bridge event", once, strip(CODEC.encode(CODEC.decodeEvent(once, once.length))));
        } catch (MalformedLineException e) {
            throw new IllegalStateException("bridge event: its own encoding of a decoded event is refused: " + e, e);
        }
    }

    /** The encoder ends a line with its newline; the decoder takes the line without it. */
    private static byte[] strip(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\n' ? java.util.Arrays.copyOf(line, line.length - 1) : line;
    }
}
