package org.ringfellow.job.internal.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a task gave: its exit code, its standard output and its declared output files (absent where
 * the task did not write one). Its {@link #digest(List) digest} is the result's address.
 *
 * @param exitCode the exit code
 * @param stdout the standard output
 * @param outputs the declared outputs the task wrote, by name
 */
public record TaskResult(int exitCode, byte[] stdout, Map<String, byte[]> outputs) {

    private static final byte[] DOMAIN = "ringfellow-job-result-v1\0".getBytes(StandardCharsets.US_ASCII);

    /** Copies the map of outputs. */
    public TaskResult {
        Objects.requireNonNull(stdout, "stdout");
        outputs = Map.copyOf(outputs);
    }

    /**
     * The SHA-256 of the result, over a domain tag, the exit code, the standard output and each declared output
     * in declared order (each with its name, whether it is present, its length and bytes), so that two results
     * have one digest exactly when the three are the same. Outputs written but not declared play no part.
     *
     * @param declared the job's declared outputs, in the job file's order
     * @return the digest in lower-case hex (64 characters)
     */
    public String digest(List<String> declared) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        sha.update(DOMAIN);
        sha.update(ByteBuffer.allocate(4).putInt(exitCode).array());
        chunk(sha, stdout);
        for (String name : declared) {
            chunk(sha, name.getBytes(StandardCharsets.UTF_8));
            Optional<byte[]> content = Optional.ofNullable(outputs.get(name));
            sha.update((byte) (content.isPresent() ? 1 : 0));
            content.ifPresent(bytes -> chunk(sha, bytes));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void chunk(MessageDigest sha, byte[] bytes) {
        sha.update(ByteBuffer.allocate(8).putLong(bytes.length).array());
        sha.update(bytes);
    }

    /**
     * @param exitCode the exit code
     * @param stdout the standard output as UTF-8 text
     * @return a result without outputs
     */
    public static TaskResult of(int exitCode, String stdout) {
        return new TaskResult(exitCode, stdout.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>());
    }
}
