package org.ringfellow.app.bridge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Splits a byte channel into lines of at most a given length without ever holding more than
 * that: a longer line is skipped up to its newline and counted. Not thread-safe.
 */
public final class LineReader {

    private final ReadableByteChannel in;
    private final int maxLineBytes;
    private final ByteBuffer chunk = ByteBuffer.allocate(8192);
    private byte[] line = new byte[1024];
    private int length;
    private boolean skipping;
    private long oversized;

    /**
     * Creates a reader.
     *
     * @param in the channel, in blocking mode
     * @param maxLineBytes the longest line kept, newline excluded
     */
    public LineReader(ReadableByteChannel in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        chunk.flip();
    }

    /**
     * Reads the next line; its bytes are {@code line()[0 .. returned)}, a trailing {@code \r} removed.
     *
     * @return the line's length, or -1 at the end of the stream (a last line without newline is dropped)
     * @throws IOException if reading fails
     */
    public int next() throws IOException {
        length = 0;
        while (true) {
            while (chunk.hasRemaining()) {
                byte b = chunk.get();
                if (b == '\n') {
                    if (skipping) {
                        skipping = false;
                        length = 0;
                        continue;
                    }
                    int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                    length = 0;
                    return n;
                }
                if (skipping) {
                    continue;
                }
                if (length == maxLineBytes) {
                    skipping = true;
                    oversized++;
                    length = 0;
                    continue;
                }
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
                }
                line[length++] = b;
            }
            chunk.clear();
            int r = in.read(chunk);
            chunk.flip();
            if (r < 0) {
                return -1;
            }
        }
    }

    /**
     * Returns the buffer holding the line {@link #next()} returned, valid until the next call.
     *
     * @return the buffer
     */
    public byte[] line() {
        return line;
    }

    /**
     * Returns how many lines were skipped for being too long.
     *
     * @return the count
     */
    public long oversized() {
        return oversized;
    }
}
