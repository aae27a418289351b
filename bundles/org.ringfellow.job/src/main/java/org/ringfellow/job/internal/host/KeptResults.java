package org.ringfellow.job.internal.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.protocol.ResultCodec;
import org.ringfellow.job.internal.wire.WireException;

/**
 * The results a submitter keeps of one job, in its data directory ({@code <dataDir>/results/<job>/}), so that they
 * outlive a restart: {@code <task>.result}, the canonical result of each validated task, collected as soon as the
 * task is validated; and, for a job with a validator, {@code seen/<task>-<digest>.result}, every successful result
 * the validator compared (removed once the job is done). Every file is written whole under a temporary name of its
 * own and moved into place; what is read is decoded and checked.
 */
final class KeptResults {

    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;
    private final List<String> declared;
    private final long maxOutputBytes;

    KeptResults(Path dir, List<String> declared, long maxOutputBytes) {
        this.dir = dir;
        this.declared = List.copyOf(declared);
        this.maxOutputBytes = maxOutputBytes;
    }

    Path dir() {
        return dir;
    }

    /** @return true if task's canonical result is kept (whatever its content) */
    boolean has(int task) {
        return Files.isRegularFile(canonicalFile(task), LinkOption.NOFOLLOW_LINKS);
    }

    /** @return the kept canonical result of a task, if it is kept and reads */
    Optional<TaskResult> canonical(int task) throws IOException, WireException {
        Path file = canonicalFile(task);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(ResultCodec.decode(Files.readAllBytes(file), declared, maxOutputBytes));
    }

    /** @return true if the task's kept canonical result is the one of this digest */
    boolean hasCanonical(int task, String digest) {
        try {
            return canonical(task).map(r -> r.digest(declared).equals(digest)).orElse(false);
        } catch (IOException | WireException e) {
            return false;
        }
    }

    void keepCanonical(int task, TaskResult result) throws IOException {
        write(canonicalFile(task), ResultCodec.encode(result, declared));
    }

    /** A result seen for the validator, if kept and its content has this digest. */
    Optional<TaskResult> seen(int task, String digest) {
        Path file = seenFile(task, digest);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            TaskResult r = ResultCodec.decode(Files.readAllBytes(file), declared, maxOutputBytes);
            return r.digest(declared).equals(digest) ? Optional.of(r) : Optional.empty();
        } catch (IOException | WireException e) {
            return Optional.empty();
        }
    }

    void keepSeen(int task, String digest, TaskResult result) throws IOException {
        write(seenFile(task, digest), ResultCodec.encode(result, declared));
    }

    /** Removes the results kept for the validator. */
    void dropSeen() {
        Path seen = dir.resolve("seen");
        if (!Files.isDirectory(seen, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(seen)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(seen);
        } catch (IOException e) {
            // left in place; nothing reads them once the job is done
        }
    }

    private Path canonicalFile(int task) {
        return dir.resolve(task + ".result");
    }

    private Path seenFile(int task, String digest) {
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a digest: " + digest);
        }
        return dir.resolve("seen").resolve(task + "-" + digest + ".result");
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        // a temporary file of its own: the end's collection may write a task another thread is collecting
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
