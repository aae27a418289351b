package org.ringfellow.container.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads ustar, GNU (long names) and pax tar archives entry by entry. Only what a root file
 * system needs; anything else is reported as an entry of its raw type so the caller can refuse it.
 */
final class TarReader {

    /** One archive member; {@link #data} is readable until the next call to {@link #next}. */
    record Entry(String name, char type, long size, int mode, String linkName) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }
    }

    private static final int BLOCK = 512;
    /** Bounds the metadata entries (long names, pax headers) so a hostile archive cannot exhaust the heap. */
    private static final int MAX_META = 64 * 1024;

    private final InputStream in;
    private long remaining;
    private long padding;
    private final byte[] header = new byte[BLOCK];

    TarReader(InputStream in) {
        this.in = in;
    }

    /** Returns the next entry, or null at the end of the archive. */
    Entry next() throws IOException {
        skipRest();
        String longName = null;
        String longLink = null;
        Map<String, String> pax = new HashMap<>();
        while (true) {
            if (!readBlock(header)) {
                return null;
            }
            if (isZero(header)) {
                return null;
            }
            verifyChecksum();
            char type = (char) header[156];
            long size = parseNumber(124, 12);
            if (size < 0) {
                throw new IOException("negative entry size");
            }
            if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
                if (size > MAX_META) {
                    throw new IOException("metadata entry too large: " + size + " bytes");
                }
                byte[] meta = new byte[(int) size];
                readFully(meta);
                skipFully(pad(size));
                if (type == 'L') {
                    longName = cString(meta, 0, meta.length);
                } else if (type == 'K') {
                    longLink = cString(meta, 0, meta.length);
                } else if (type == 'x') {
                    pax.putAll(parsePax(meta));
                }
                continue;
            }
            String name = cString(header, 0, 100);
            if (isUstar()) {
                String prefix = cString(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            String link = cString(header, 157, 100);
            if (longName != null) {
                name = longName;
            }
            if (longLink != null) {
                link = longLink;
            }
            name = pax.getOrDefault("path", name);
            link = pax.getOrDefault("linkpath", link);
            if (pax.containsKey("size")) {
                try {
                    size = Long.parseLong(pax.get("size"));
                } catch (NumberFormatException e) {
                    throw new IOException("bad pax size");
                }
            }
            int mode = (int) parseNumber(100, 8);
            Entry e = new Entry(name, type, size, mode, link);
            remaining = e.isFile() ? size : (type == '1' || type == '2' || type == '5' ? 0 : size);
            padding = pad(remaining);
            return e;
        }
    }

    /** Streams the current entry's content. */
    InputStream data() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                int n = read(b, 0, 1);
                return n < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("archive ends inside an entry");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skipRest() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    private static long pad(long size) {
        long r = size % BLOCK;
        return r == 0 ? 0 : BLOCK - r;
    }

    private boolean readBlock(byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                if (off == 0) {
                    return false;
                }
                throw new EOFException("archive ends inside a header");
            }
            off += n;
        }
        return true;
    }

    private void readFully(byte[] b) throws IOException {
        if (!readBlock(b) && b.length > 0) {
            throw new EOFException("archive ends inside an entry");
        }
    }

    private void skipFully(long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("archive ends inside an entry");
            }
            n -= r;
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean isUstar() {
        return header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r';
    }

    private void verifyChecksum() throws IOException {
        long expected = parseNumber(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != expected) {
            throw new IOException("not a tar archive (bad header checksum)");
        }
    }

    private long parseNumber(int off, int len) throws IOException {
        if ((header[off] & 0x80) != 0) {
            // GNU base-256 for values that do not fit in octal
            long v = header[off] & 0x7f;
            for (int i = 1; i < len; i++) {
                if ((v >>> 55) != 0) {
                    throw new IOException("number too large in tar header");
                }
                v = (v << 8) | (header[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = off; i < off + len; i++) {
            byte c = header[i];
            if (c == 0 || c == ' ') {
                if (v != 0) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                throw new IOException("bad octal number in tar header");
            }
            v = (v << 3) + (c - '0');
        }
        return v;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static Map<String, String> parsePax(byte[] meta) throws IOException {
        Map<String, String> out = new HashMap<>();
        int pos = 0;
        while (pos < meta.length) {
            int space = pos;
            while (space < meta.length && meta[space] != ' ') {
                space++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(meta, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("bad pax header");
            }
            if (len <= 0 || pos + len > meta.length || space + 1 > pos + len - 1) {
                throw new IOException("bad pax header");
            }
            String record = new String(meta, space + 1, pos + len - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                out.put(record.substring(0, eq), record.substring(eq + 1));
            }
            pos += len;
        }
        return out;
    }
}
