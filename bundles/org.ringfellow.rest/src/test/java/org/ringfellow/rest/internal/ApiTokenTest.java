package org.ringfellow.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {

    @TempDir
    Path dir;

    @Test
    void madeOnFirstStartOwnerOnlyAndKeptAfter() throws IOException {
        ApiToken first = ApiToken.loadOrCreate(dir);
        Path file = dir.resolve(ApiToken.FILE);
        String text = Files.readString(file).trim();
        assertTrue(text.matches("[0-9a-f]{64}"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(first.accepts("Bearer " + text));
        ApiToken again = ApiToken.loadOrCreate(dir);
        assertTrue(again.accepts("bearer " + text));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void refusesWrongMissingAndMalformedHeaders() throws IOException {
        ApiToken t = ApiToken.loadOrCreate(dir);
        String text = Files.readString(dir.resolve(ApiToken.FILE)).trim();
        assertFalse(t.accepts(null));
        assertFalse(t.accepts(""));
        assertFalse(t.accepts(text), "the scheme is required");
        assertFalse(t.accepts("Basic " + text));
        assertFalse(t.accepts("Bearer " + text.substring(1)));
        assertFalse(t.accepts("Bearer " + text + "0"));
        assertFalse(t.accepts("Bearer " + "x".repeat(2000)));
    }

    @Test
    void aFileThatIsNotATokenIsRefusedWithItsName() throws IOException {
        Files.writeString(dir.resolve(ApiToken.FILE), "secret");
        IOException e = assertThrows(IOException.class, () -> ApiToken.loadOrCreate(dir));
        assertTrue(e.getMessage().contains(ApiToken.FILE), e.getMessage());
    }
}
