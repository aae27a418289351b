package org.ringfellow.api.container;

/**
 * A piece of a container's combined output. Read again from {@code nextOffset} to follow it.
 *
 * @param text the output, decoded as UTF-8
 * @param nextOffset the offset to read from next
 * @param truncated whether output before the asked offset was lost to log rotation
 */
public record LogChunk(String text, long nextOffset, boolean truncated) {
}
