package org.ringfellow.container.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a deterministic ustar archive (owner root, time 0) so the same input gives the same digest. */
final class TarWriter implements AutoCloseable {

    private final OutputStream out;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    void directory(String name, int mode) throws IOException {
        header(name.endsWith("/") ? name : name + "/", '5', 0, mode, "");
    }

    void symlink(String name, String target) throws IOException {
        header(name, '2', 0, 0777, target);
    }

    void file(String name, int mode, byte[] content) throws IOException {
        header(name, '0', content.length, mode, "");
        out.write(content);
        pad(content.length);
    }

    void file(String name, int mode, long size, InputStream content) throws IOException {
        header(name, '0', size, mode, "");
        long copied = content.transferTo(out);
        if (copied != size) {
            throw new IOException("file changed while archiving: " + name);
        }
        pad(size);
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[1024]);
        out.flush();
        out.close();
    }

    private void pad(long size) throws IOException {
        int r = (int) (size % 512);
        if (r != 0) {
            out.write(new byte[512 - r]);
        }
    }

    void header(String name, char type, long size, int mode, String link) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) {
            int slash = name.lastIndexOf('/', name.length() - 2);
            byte[] prefix = name.substring(0, Math.max(slash, 0)).getBytes(StandardCharsets.UTF_8);
            byte[] rest = name.substring(slash + 1).getBytes(StandardCharsets.UTF_8);
            if (slash < 0 || prefix.length > 155 || rest.length > 100) {
                throw new IOException("name too long for ustar: " + name);
            }
            System.arraycopy(prefix, 0, h, 345, prefix.length);
            n = rest;
        }
        System.arraycopy(n, 0, h, 0, n.length);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        h[156] = (byte) type;
        byte[] l = link.getBytes(StandardCharsets.UTF_8);
        if (l.length > 100) {
            throw new IOException("link target too long for ustar: " + link);
        }
        System.arraycopy(l, 0, h, 157, l.length);
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        out.write(h);
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        int pad = len - 1 - s.length();
        for (int i = 0; i < pad; i++) {
            h[off + i] = '0';
        }
        byte[] d = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, h, off + pad, d.length);
        h[off + len - 1] = 0;
    }
}
