package org.ringfellow.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node's API token: 32 random bytes in hex, made on first start in {@value #FILE} under the
 * node's data directory, readable by its owner only, written to a temporary file and moved so a
 * crash never leaves half a token (one at a time: the API, /metrics and the dashboard share it).
 * Presented tokens are compared in constant time.
 */
final class ApiToken {

    static final String FILE = "api-token";
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{64}");
    private static final String BEARER = "Bearer ";

    private final byte[] token;

    private ApiToken(String token) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the token from {@code dir/api-token}, making it first if there is none.
     *
     * @throws IOException if the file cannot be read or written, or holds something that is not a token
     */
    static synchronized ApiToken loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            if (Files.size(file) > 1024) {
                throw new IOException(file + " is not an API token (over 1 KiB); remove it to make a new one");
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!FORMAT.matcher(text).matches()) {
                throw new IOException(file + " is not an API token (64 hex digits); remove it to make a new one");
            }
            restrict(file);
            return new ApiToken(text);
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String text = HexFormat.of().formatHex(raw);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE, ".tmp");
        try {
            restrict(tmp);
            Files.writeString(tmp, text + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new ApiToken(text);
    }

    private static void restrict(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
        }
    }

    /**
     * Tells whether an {@code Authorization} header carries this token, in time that does not
     * depend on how much of it matches.
     */
    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() > 1024
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] given = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(token, given);
    }
}
