package org.ringfellow.job.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.JobWire;
import org.ringfellow.job.internal.wire.WireException;

/**
 * The submitter fetching one result's content in order, chunk by chunk, and checking it against the digest the
 * quorum agreed on.
 */
public final class ResultAssembly {

    private final String job;
    private final int task;
    private final String digest;
    private final List<String> declared;
    private final long cap;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private long total = -1;

    /**
     * @param job the job
     * @param task the task
     * @param digest the canonical result's digest
     * @param declared the job's declared outputs
     * @param maxOutputBytes the job's cap on each part
     */
    public ResultAssembly(String job, int task, String digest, List<String> declared, long maxOutputBytes) {
        this.job = Objects.requireNonNull(job, "job");
        this.task = task;
        this.digest = Objects.requireNonNull(digest, "digest");
        this.declared = List.copyOf(declared);
        this.cap = maxOutputBytes;
    }

    /** @return the request for the next chunk */
    public JobMessage.ResultRequest next() {
        return new JobMessage.ResultRequest(job, task, digest, received.size());
    }

    /** The most a result's encoding can be for this job: version, exit code, and every part at its cap. */
    private long maxEncoded() {
        return 1 + 4 + (4 + cap) + declared.size() * (1 + 4 + cap);
    }

    /**
     * Takes the answer to {@link #next()}.
     *
     * @param chunk the chunk
     * @return the result once every byte is in and its digest checks
     * @throws WireException if the chunk is out of order, the whole is too large, or the content does not match
     *         the digest (the member is to be distrusted)
     */
    public Optional<TaskResult> accept(JobMessage.Chunk chunk) throws WireException {
        if (chunk.offset() != received.size() || total >= 0 && chunk.total() != total) {
            throw new WireException("task " + task + ": chunk at " + chunk.offset() + " of " + chunk.total()
                    + ", expected " + received.size() + " of " + total);
        }
        if (chunk.total() > maxEncoded() || chunk.total() > JobWire.MAX_TOTAL) {
            throw new WireException("task " + task + ": a result of " + chunk.total() + " bytes is over the job's caps");
        }
        total = chunk.total();
        received.writeBytes(chunk.data());
        if (received.size() < total) {
            return Optional.empty();
        }
        TaskResult result = ResultCodec.decode(received.toByteArray(), declared, cap);
        String actual = result.digest(declared);
        if (!actual.equals(digest)) {
            throw new WireException("task " + task + ": the content sent has digest " + actual + ", not the agreed "
                    + digest);
        }
        return Optional.of(result);
    }
}
