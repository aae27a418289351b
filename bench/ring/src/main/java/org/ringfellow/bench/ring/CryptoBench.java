package org.ringfellow.bench.ring;

import java.nio.charset.StandardCharsets;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

/** Ed25519 verification of one member-record-sized statement: the JDK's provider against Bouncy Castle's. */
final class CryptoBench {

    private CryptoBench() {
    }

    static void run(int rounds) {
        LocalIdentity id = LocalIdentity.generate(LocalIdentity.seeded(1));
        byte[] domain = "ringfellow/bench/1\n".getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        byte[] message = new byte[domain.length + data.length];
        System.arraycopy(domain, 0, message, 0, domain.length);
        System.arraycopy(data, 0, message, domain.length, data.length);
        byte[] sig = id.sign(message);
        byte[] pk = id.publicKey();
        if (!SignatureVerifier.verifyWithJdk(pk, domain, data, sig)
                || !SignatureVerifier.verifyUncached(pk, domain, data, sig)) {
            throw new IllegalStateException("a good signature did not verify");
        }
        sig[5] ^= 1;
        if (SignatureVerifier.verifyWithJdk(pk, domain, data, sig) || SignatureVerifier.verifyUncached(pk, domain, data, sig)) {
            throw new IllegalStateException("a bad signature verified");
        }
        sig[5] ^= 1;
        double jdk = 0;
        double bc = 0;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                SignatureVerifier.verifyWithJdk(pk, domain, data, sig);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                SignatureVerifier.verifyUncached(pk, domain, data, sig);
            }
            long t2 = System.nanoTime();
            jdk = (t1 - t0) / 1e3 / rounds;
            bc = (t2 - t1) / 1e3 / rounds;
        }
        System.out.printf("| Ed25519 verify, 319-byte message | %.0f µs | %.0f µs | %.1fx |%n", jdk, bc, jdk / bc);
    }
}
