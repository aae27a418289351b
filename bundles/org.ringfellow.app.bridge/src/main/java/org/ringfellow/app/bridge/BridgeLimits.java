package org.ringfellow.app.bridge;

/**
 * The bounds every line of the bridge protocol is held to, on both ends. A line beyond them is
 * dropped and counted; an outgoing message beyond them is refused with an
 * {@link IllegalArgumentException}.
 *
 * @param maxLineBytes the longest line, newline excluded
 * @param maxPayloadBytes the largest payload or HTTP body, before base64
 * @param maxTopicChars the longest topic
 * @param maxTextChars the longest free text: log line, error reason, member name, header value, path
 * @param maxQueuedEvents how many events the node keeps for an app that does not read them yet
 */
public record BridgeLimits(int maxLineBytes, int maxPayloadBytes, int maxTopicChars, int maxTextChars,
        int maxQueuedEvents) {

    /** The protocol version this code speaks; every line carries it as {@code "v"}. */
    public static final int PROTOCOL_VERSION = 1;
    /** The most members, headers or other list entries in one line. */
    public static final int MAX_ENTRIES = 64;

    /** 1 MiB lines, 256 KiB payloads, 256-character topics, 8 KiB text, 1024 queued events. */
    public static final BridgeLimits DEFAULTS = new BridgeLimits(1 << 20, 256 << 10, 256, 8192, 1024);

    /**
     * Checks that the bounds fit together: a payload at its limit, in base64, fits in a line.
     *
     * @throws IllegalArgumentException if they do not
     */
    public BridgeLimits {
        if (maxPayloadBytes < 0 || maxTopicChars < 1 || maxTextChars < 64 || maxQueuedEvents < 1) {
            throw new IllegalArgumentException("bridge limits out of range");
        }
        long base64 = 4L * ((maxPayloadBytes + 2) / 3);
        if (maxLineBytes < base64 + 4L * maxTextChars + 1024) {
            throw new IllegalArgumentException("a line of " + maxLineBytes + " bytes cannot hold a payload of "
                    + maxPayloadBytes + " bytes in base64");
        }
    }
}
