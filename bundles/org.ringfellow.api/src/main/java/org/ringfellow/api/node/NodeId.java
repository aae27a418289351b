package org.ringfellow.api.node;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The identity of a node: the SHA-256 of its Ed25519 public key (X.509 encoding), written as
 * 64 lower-case hexadecimal digits. Node ids also place nodes on the Ring's identifier ring.
 *
 * @param hex the 64 hexadecimal digits of the hash
 */
public record NodeId(String hex) implements Comparable<NodeId> {

    /** Number of hexadecimal digits shown by {@link #shortId()}. */
    public static final int SHORT_LENGTH = 12;

    /**
     * Validates the hexadecimal form.
     *
     * @throws IllegalArgumentException if {@code hex} is not 64 lower-case hexadecimal digits
     */
    public NodeId {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("a node id is 64 lower-case hex digits, got '" + abbreviate(hex) + "'");
        }
    }

    /**
     * Derives the id of the node that owns a public key.
     *
     * @param encodedPublicKey the X.509 (SubjectPublicKeyInfo) encoding of the node's public key
     * @return the id: SHA-256 of the encoding
     */
    public static NodeId ofPublicKey(byte[] encodedPublicKey) {
        try {
            return new NodeId(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encodedPublicKey)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Parses an id from its hexadecimal form, case-insensitively.
     *
     * @param text 64 hexadecimal digits
     * @return the id
     * @throws IllegalArgumentException if the text is not an id
     */
    public static NodeId parse(String text) {
        return new NodeId(Objects.requireNonNull(text, "text").trim().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Returns the 32 bytes of the id.
     *
     * @return a fresh copy of the hash bytes
     */
    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    /**
     * Returns the short form shown to people: the first {@value #SHORT_LENGTH} digits.
     *
     * @return the short prefix of the id
     */
    public String shortId() {
        return hex.substring(0, SHORT_LENGTH);
    }

    @Override
    public int compareTo(NodeId other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public String toString() {
        return hex;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
