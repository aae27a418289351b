package org.ringfellow.ring.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Growable big-endian writer; the codec checks limits before it writes. */
final class WireWriter {

    private byte[] buf;
    private int pos;

    WireWriter(int capacity) {
        buf = new byte[capacity];
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    int size() {
        return pos;
    }

    WireWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    WireWriter u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    WireWriter i32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    WireWriter i64(long v) {
        i32((int) (v >>> 32));
        return i32((int) v);
    }

    WireWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    /** Writes a u8-prefixed UTF-8 string; the caller has checked its length. */
    WireWriter string(String s, int maxBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > maxBytes) {
            throw new IllegalArgumentException("string of " + b.length + " bytes exceeds " + maxBytes);
        }
        u8(b.length);
        return bytes(b);
    }

    byte[] toBytes() {
        return Arrays.copyOf(buf, pos);
    }
}
