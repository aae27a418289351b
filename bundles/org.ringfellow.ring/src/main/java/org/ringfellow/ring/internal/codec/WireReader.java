package org.ringfellow.ring.internal.codec;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Bounds-checked big-endian reader: every read checks what is left, every length its limit. */
final class WireReader {

    private final byte[] data;
    private int pos;
    private final int end;

    WireReader(byte[] data) {
        this(data, 0, data.length);
    }

    WireReader(byte[] data, int offset, int length) {
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    private void need(int n) throws DecodeException {
        if (n < 0 || end - pos < n) {
            throw new DecodeException("malformed", "truncated: need " + n + " bytes, have " + (end - pos));
        }
    }

    int u8() throws DecodeException {
        need(1);
        return data[pos++] & 0xff;
    }

    int u16() throws DecodeException {
        need(2);
        int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    int i32() throws DecodeException {
        need(4);
        int v = ((data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16) | ((data[pos + 2] & 0xff) << 8)
                | (data[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long i64() throws DecodeException {
        long hi = i32() & 0xffffffffL;
        long lo = i32() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    long nonNegative64(String what) throws DecodeException {
        long v = i64();
        if (v < 0) {
            throw new DecodeException("malformed", what + " is negative");
        }
        return v;
    }

    byte[] bytes(int n) throws DecodeException {
        need(n);
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    /** A u8-length-prefixed UTF-8 string of at most {@code maxBytes} bytes; invalid UTF-8 is malformed. */
    String string(int maxBytes, String what) throws DecodeException {
        int len = u8();
        if (len > maxBytes) {
            throw new DecodeException("oversized", what + " of " + len + " bytes exceeds " + maxBytes);
        }
        need(len);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, pos, len)).toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw new DecodeException("malformed", what + " is not UTF-8");
        }
    }

    void expectEnd() throws DecodeException {
        if (pos != end) {
            throw new DecodeException("malformed", (end - pos) + " trailing bytes");
        }
    }
}
