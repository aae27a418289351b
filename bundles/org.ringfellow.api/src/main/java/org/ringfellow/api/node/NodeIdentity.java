package org.ringfellow.api.node;

/**
 * The node's key pair. The private key never leaves the implementation: other bundles sign
 * through it and verify other nodes' signatures with it. Signatures are Ed25519.
 */
public interface NodeIdentity {

    /**
     * Returns this node's id.
     *
     * @return the SHA-256 of {@link #publicKey()}
     */
    NodeId id();

    /**
     * Returns this node's public key.
     *
     * @return a fresh copy of the X.509 (SubjectPublicKeyInfo) encoding of the Ed25519 public key
     */
    byte[] publicKey();

    /**
     * Signs data with this node's private key.
     *
     * @param data the bytes to sign
     * @return the 64-byte Ed25519 signature
     */
    byte[] sign(byte[] data);

    /**
     * Verifies another node's signature. Never throws for bad input: a malformed key or
     * signature simply does not verify.
     *
     * @param publicKey the X.509 encoding of the signer's Ed25519 public key
     * @param data the signed bytes
     * @param signature the signature to check
     * @return true only if the signature is valid for the data under that key
     */
    boolean verify(byte[] publicKey, byte[] data, byte[] signature);
}
