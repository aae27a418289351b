package org.ringfellow.ring.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bouncy Castle signs for the in-memory identity: the bytes must be the JDK's, and verify. */
class LocalIdentityTest {

    @Test
    void givenAnIdentity_whenItSigns_thenTheSignatureIsTheJdksAndVerifies() {
        for (long seed = 1; seed <= 5; seed++) {
            LocalIdentity id = LocalIdentity.generate(LocalIdentity.seeded(seed));
            byte[] data = ("statement " + seed).getBytes(StandardCharsets.UTF_8);
            byte[] signature = id.sign(data);
            assertArrayEquals(id.signWithJdk(data), signature, "Ed25519 is deterministic");
            assertTrue(id.verify(id.publicKey(), data, signature));
            assertTrue(SignatureVerifier.verifyWithJdk(id.publicKey(), new byte[0], data, signature));
            data[0] ^= 1;
            assertFalse(id.verify(id.publicKey(), data, signature), "a changed statement must not verify");
        }
    }
}
