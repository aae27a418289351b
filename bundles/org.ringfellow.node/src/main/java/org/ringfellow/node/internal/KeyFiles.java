package org.ringfellow.node.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Keeps the node's Ed25519 key pair in standard encodings: PKCS#8 for the private key (owner
 * read/write only) and X.509 for the public key.
 */
final class KeyFiles {

    static final String PRIVATE = "node.key";
    static final String PUBLIC = "node.pub";

    private KeyFiles() {
    }

    /** Loads the key pair from {@code dir}, creating it on first start. */
    static KeyPair loadOrCreate(Path dir) throws IOException, GeneralSecurityException {
        Path priv = dir.resolve(PRIVATE);
        Path pub = dir.resolve(PUBLIC);
        if (Files.exists(priv)) {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(priv)));
            PublicKey publicKey = kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(pub)));
            return new KeyPair(publicKey, privateKey);
        }
        Files.createDirectories(dir);
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        // Written under temporary names and moved, so a crash never leaves half a key behind.
        writeAtomically(pub, pair.getPublic().getEncoded(), "rw-r--r--");
        writeAtomically(priv, pair.getPrivate().getEncoded(), "rw-------");
        return pair;
    }

    private static void writeAtomically(Path target, byte[] bytes, String permissions) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
