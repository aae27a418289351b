package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's artifact store: what it keeps, and whose fault a failure is (the artifact's or the store's). */
class ArtifactStoreTest {

    @TempDir
    Path dir;

    @Test
    void givenAnArtifact_whenPut_thenKeptUnderItsDigestAndReadBack() throws IOException {
        ArtifactStore store = new ArtifactStore(dir.resolve("store"));
        byte[] data = "an app".getBytes(StandardCharsets.UTF_8);
        String digest = store.put(new ByteArrayInputStream(data));
        assertTrue(digest.startsWith("sha256:"), digest);
        assertArrayEquals(data, store.read(digest, 0));
    }

    @Test
    void givenAnArtifactThatCannotBeRead_whenPut_thenAReadErrorNotTheStores() throws IOException {
        ArtifactStore store = new ArtifactStore(dir.resolve("store"));
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };
        IOException e = assertThrows(IOException.class, () -> store.put(broken));
        assertFalse(e instanceof ArtifactStore.WriteFailed, e.toString());
        assertThrows(IOException.class, () -> store.put(new ByteArrayInputStream(new byte[0])), "empty");
    }

    @Test
    void givenAStoreThatCannotBeWritten_whenPut_thenTheErrorNamesTheStore() throws IOException {
        Path storeDir = dir.resolve("store");
        ArtifactStore store = new ArtifactStore(storeDir);
        // the store's directory replaced by a file: nothing can be written into it (as on a full disk)
        try (var files = Files.list(storeDir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(storeDir);
        Files.writeString(storeDir, "not a directory");
        ArtifactStore.WriteFailed e = assertThrows(ArtifactStore.WriteFailed.class,
                () -> store.put(new ByteArrayInputStream(new byte[] {1, 2, 3})));
        assertTrue(e.getMessage().contains("artifact store " + storeDir), e.getMessage());
    }
}
