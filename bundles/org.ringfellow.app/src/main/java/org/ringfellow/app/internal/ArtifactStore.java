package org.ringfellow.app.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * App artifacts by content: {@code <dir>/<hex>.jar}, named by the SHA-256 of their bytes. A
 * file is written under a temporary name and moved into place only once its digest checks,
 * so a reader never sees a partial or corrupt artifact.
 */
final class ArtifactStore {

    /** The largest app artifact accepted. */
    static final long MAX_ARTIFACT = 64L * 1024 * 1024;

    private final Path dir;

    ArtifactStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path path(String digest) {
        if (!AppRecord.DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a digest: " + digest);
        }
        return dir.resolve(digest.substring("sha256:".length()) + ".jar");
    }

    boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    /**
     * Stores bytes read from a stream, at most {@link #MAX_ARTIFACT}.
     *
     * @return the digest
     */
    String put(InputStream in) throws IOException {
        Path tmp = storing(() -> Files.createTempFile(dir, "in-", ".tmp"));
        try {
            MessageDigest sha = sha256();
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            // a failure of in is the artifact's; one of out is this store's (a full disk, say)
            try (OutputStream out = new StoreStream(storing(() -> Files.newOutputStream(tmp)))) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    if (total > MAX_ARTIFACT) {
                        throw new IOException("the artifact is larger than " + (MAX_ARTIFACT >> 20) + " MiB");
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            if (total == 0) {
                throw new IOException("the artifact is empty");
            }
            String digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
            storing(() -> {
                move(tmp, path(digest));
                return digest;
            });
            return digest;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writing into the store failed (a full disk, for one): the store's fault, not the artifact's. */
    static final class WriteFailed extends IOException {
        private static final long serialVersionUID = 1L;

        WriteFailed(Path dir, IOException cause) {
            super("cannot write into this node's artifact store " + dir + ": " + cause.getMessage(), cause);
        }
    }

    /** A step that writes into the store. */
    private interface StoreStep<T> {
        T run() throws IOException;
    }

    private <T> T storing(StoreStep<T> step) throws WriteFailed {
        try {
            return step.run();
        } catch (IOException e) {
            throw new WriteFailed(dir, e);
        }
    }

    /** A file of the store being written: its failures are the store's ({@link WriteFailed}). */
    private final class StoreStream extends FilterOutputStream {

        StoreStream(OutputStream file) {
            super(file);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            storing(() -> {
                out.write(b, off, len);
                return null;
            });
        }

        @Override
        public void close() throws IOException {
            storing(() -> {
                out.close();
                return null;
            });
        }
    }

    /** Stores a file assembled elsewhere if, and only if, its digest is the one expected. */
    void putVerified(Path file, String expected) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(expected)) {
            Files.deleteIfExists(file);
            throw new IOException("artifact digest mismatch: expected " + expected + ", got " + actual);
        }
        move(file, path(expected));
    }

    Path tempFile() throws IOException {
        return Files.createTempFile(dir, "fetch-", ".tmp");
    }

    /** Reads up to {@link Wire#CHUNK} bytes at an offset; empty at the end. */
    byte[] read(String digest, long offset) throws IOException {
        Path p = path(digest);
        long size = Files.size(p);
        if (offset < 0 || offset > size) {
            throw new IOException("offset " + offset + " outside the artifact (" + size + " bytes)");
        }
        int n = (int) Math.min(Wire.CHUNK, size - offset);
        byte[] out = new byte[n];
        try (var ch = Files.newByteChannel(p)) {
            ch.position(offset);
            var bb = java.nio.ByteBuffer.wrap(out);
            while (bb.hasRemaining() && ch.read(bb) > 0) {
                // keep reading
            }
        }
        return out;
    }

    void remove(String digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
