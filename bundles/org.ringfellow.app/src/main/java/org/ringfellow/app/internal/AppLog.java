package org.ringfellow.app.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One member's log of one app: what the engine saw and what the app logged, a line each,
 * with a time stamp. Bounded: past {@link #MAX_BYTES} one last line says so and the rest is
 * dropped. Read by offset, so {@code app:logs -f} follows it.
 */
final class AppLog {

    static final long MAX_BYTES = 16L * 1024 * 1024;
    static final int MAX_LINE = 4096;
    static final int MAX_READ = 256 * 1024;

    private final Path file;
    private boolean full;

    AppLog(Path file) {
        this.file = file;
    }

    synchronized void line(String text) {
        if (full) {
            return;
        }
        String clean = text.replaceAll("[\\p{Cntrl}&&[^\t]]", " ");
        if (clean.length() > MAX_LINE) {
            clean = clean.substring(0, MAX_LINE) + "...";
        }
        try {
            Files.createDirectories(file.getParent());
            long size = Files.exists(file) ? Files.size(file) : 0;
            String out = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + clean + "\n";
            if (size + out.length() > MAX_BYTES) {
                full = true;
                out = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " log limit of " + (MAX_BYTES >> 20)
                        + " MiB reached; further lines are dropped\n";
            }
            Files.writeString(file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is best effort: the node must not fail because a log line could not be written
        }
    }

    synchronized Wire.LogAnswer read(long offset) throws IOException {
        if (offset < 0) {
            throw new IOException("negative log offset");
        }
        if (!Files.exists(file)) {
            return new Wire.LogAnswer("", 0);
        }
        long size = Files.size(file);
        if (offset >= size) {
            return new Wire.LogAnswer("", size);
        }
        int n = (int) Math.min(MAX_READ, size - offset);
        byte[] buf = new byte[n];
        try (var ch = Files.newByteChannel(file)) {
            ch.position(offset);
            var bb = java.nio.ByteBuffer.wrap(buf);
            while (bb.hasRemaining() && ch.read(bb) > 0) {
                // keep reading
            }
        }
        // lines are written whole, so a slice that stops short of the end stops after a newline
        int end = n;
        if (offset + n < size) {
            while (end > 0 && buf[end - 1] != '\n') {
                end--;
            }
            if (end == 0) {
                end = n;
            }
        }
        return new Wire.LogAnswer(new String(buf, 0, end, StandardCharsets.UTF_8), offset + end);
    }
}
