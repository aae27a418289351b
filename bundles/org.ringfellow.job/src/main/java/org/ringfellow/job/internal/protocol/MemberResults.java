package org.ringfellow.job.internal.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.JobWire;
import org.ringfellow.job.internal.wire.WireException;

/**
 * A member's store of one job's results, by digest, until the job is done: what it ran, encoded with
 * {@link ResultCodec}, served in chunks to the submitter.
 */
public final class MemberResults {

    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    private final String job;
    private final Path dir;

    /**
     * @param job the job
     * @param dir the directory of its results on this member
     */
    public MemberResults(String job, Path dir) {
        this.job = Objects.requireNonNull(job, "job");
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * Keeps a result.
     *
     * @param result the result
     * @param declared the job's declared outputs
     * @return its digest
     * @throws IOException if it cannot be written
     */
    public String keep(TaskResult result, List<String> declared) throws IOException {
        String digest = result.digest(declared);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "r", ".tmp");
        Files.write(tmp, ResultCodec.encode(result, declared));
        Files.move(tmp, dir.resolve(digest), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return digest;
    }

    /**
     * Serves part of a kept result.
     *
     * @param request the submitter's request
     * @return the chunk
     * @throws WireException if no such result is kept or the offset is past its end
     */
    public JobMessage.Chunk serve(JobMessage.ResultRequest request) throws WireException {
        if (!request.job().equals(job) || !DIGEST.matcher(request.digest()).matches()) {
            throw new WireException("a result request for another job or a malformed digest");
        }
        byte[] all;
        try {
            all = Files.readAllBytes(dir.resolve(request.digest()));
        } catch (IOException e) {
            throw new WireException("no result " + request.digest() + " is kept here", e);
        }
        if (request.offset() > all.length) {
            throw new WireException("a result request past the result's end");
        }
        int from = (int) request.offset();
        int to = (int) Math.min(all.length, from + (long) JobWire.MAX_CHUNK);
        return new JobMessage.Chunk(job, from, all.length, Arrays.copyOfRange(all, from, to));
    }

    /** Drops every kept result (the job is done). */
    public void clear() {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // nothing kept, or left for the next start's sweep
        }
    }
}
