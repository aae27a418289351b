package org.ringfellow.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeStore;

class IdentityAndStoreTest {

    @TempDir
    Path dir;

    @Test
    void givenNoKey_whenLoadedTwice_thenTheSameIdAndAPrivateKeyOnlyTheOwnerReads() throws Exception {
        Ed25519Identity first = new Ed25519Identity(KeyFiles.loadOrCreate(dir));
        Ed25519Identity second = new Ed25519Identity(KeyFiles.loadOrCreate(dir));
        assertEquals(first.id(), second.id());
        assertEquals(NodeId.ofPublicKey(first.publicKey()), first.id());
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(KeyFiles.PRIVATE))));
    }

    @Test
    void givenSignature_whenVerified_thenOnlyTheSignedDataUnderTheSignersKeyPasses() throws Exception {
        Ed25519Identity a = new Ed25519Identity(KeyFiles.loadOrCreate(dir.resolve("a")));
        Ed25519Identity b = new Ed25519Identity(KeyFiles.loadOrCreate(dir.resolve("b")));
        byte[] data = "member record".getBytes(StandardCharsets.UTF_8);
        byte[] sig = a.sign(data);
        assertTrue(b.verify(a.publicKey(), data, sig));
        assertFalse(b.verify(b.publicKey(), data, sig), "another key must not verify");
        assertFalse(b.verify(a.publicKey(), "tampered".getBytes(StandardCharsets.UTF_8), sig));
        assertFalse(b.verify(new byte[] {1, 2, 3}, data, sig), "garbage key is a plain false");
        assertFalse(b.verify(a.publicKey(), data, new byte[64]));
    }

    @Test
    void givenWrites_whenStoreReopened_thenValuesSurvive() {
        try (MvNodeStore store = new MvNodeStore(dir)) {
            NodeStore.Namespace ns = store.namespace("containers");
            ns.put("c1", "{\"id\":\"c1\"}");
            ns.put("c2", "two");
            assertTrue(ns.remove("c2"));
            store.namespace("other").put("c1", "elsewhere");
        }
        try (MvNodeStore store = new MvNodeStore(dir)) {
            assertEquals(Map.of("c1", "{\"id\":\"c1\"}"), store.namespace("containers").entries());
            assertEquals(Optional.of("elsewhere"), store.namespace("other").get("c1"));
        }
    }

    @Test
    void givenBadNamespaceOrKey_whenUsed_thenRefused() {
        try (MvNodeStore store = new MvNodeStore(dir)) {
            assertThrows(IllegalArgumentException.class, () -> store.namespace("Bad Name"));
            assertThrows(IllegalArgumentException.class, () -> store.namespace("x").put("", "v"));
            assertThrows(IllegalArgumentException.class, () -> store.namespace("x").put("k".repeat(300), "v"));
        }
    }

    @Test
    void givenPublicKey_whenIdDerived_thenItIsTheSha256InHex() {
        NodeId id = NodeId.ofPublicKey(new byte[0]);
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", id.hex());
        assertEquals("e3b0c44298fc", id.shortId());
        assertArrayEquals(id.bytes(), NodeId.parse(id.hex().toUpperCase()).bytes());
    }
}
