package org.ringfellow.job.internal.wire;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ringfellow.job.internal.model.JobSpec;

/**
 * The messages of a job fellowship, between the submitter and its members (encoded by {@link JobWire}). Members
 * pull: {@link Fetch} asks for leases, {@link Leases} grants them (small inputs inline, larger ones fetched with
 * {@link InputRequest} in {@link Chunk}s), {@link Report} gives a run's outcome (its digest, not its content),
 * {@link ReportAck} says what the scheduler made of it; the submitter fetches a canonical result's content with
 * {@link ResultRequest}; {@link Done} ends the job.
 */
public sealed interface JobMessage {

    /** @return the job's id */
    String job();

    /**
     * A member asks for work.
     *
     * @param job the job
     * @param max leases it can take now (its free slots)
     */
    record Fetch(String job, int max) implements JobMessage {
    }

    /**
     * The member part of a job (its job file without inputs, replication and exclusion), sent to a member that asks
     * with {@link SpecRequest}.
     *
     * @param job the job
     * @param spec the job as the member needs it, without inputs
     */
    record Template(String job, JobSpec spec) implements JobMessage {
        /** Checks the fields. */
        public Template {
            Objects.requireNonNull(spec, "spec");
        }
    }

    /**
     * A member asks for the job's {@link Template}.
     *
     * @param job the job
     */
    record SpecRequest(String job) implements JobMessage {
    }

    /**
     * One granted lease.
     *
     * @param lease the lease's number
     * @param task the task
     * @param deadlineSeconds how long the member has
     * @param inputSize the input's size in bytes
     * @param input the input itself when it is small ({@link JobWire#MAX_INLINE} bytes at most), else empty
     */
    record Grant(long lease, int task, int deadlineSeconds, long inputSize, Optional<byte[]> input) {
        /** Checks the fields. */
        public Grant {
            Objects.requireNonNull(input, "input");
        }
    }

    /**
     * Leases granted to a member (none when there is no work for it now).
     *
     * @param job the job
     * @param grants the leases
     */
    record Leases(String job, List<Grant> grants) implements JobMessage {
        /** Copies the list. */
        public Leases {
            grants = List.copyOf(grants);
        }
    }

    /**
     * A member asks for part of a lease's input.
     *
     * @param job the job
     * @param lease the lease
     * @param offset the first byte wanted
     */
    record InputRequest(String job, long lease, long offset) implements JobMessage {
    }

    /**
     * The submitter asks a member for part of a result's content (its canonical encoding).
     *
     * @param job the job
     * @param task the task
     * @param digest the result's digest
     * @param offset the first byte wanted
     */
    record ResultRequest(String job, int task, String digest, long offset) implements JobMessage {
    }

    /**
     * Part of an input or a result.
     *
     * @param job the job
     * @param offset where the part starts
     * @param total the whole's size
     * @param data the part ({@link JobWire#MAX_CHUNK} bytes at most)
     */
    record Chunk(String job, long offset, long total, byte[] data) implements JobMessage {
    }

    /**
     * What a run gave.
     *
     * @param job the job
     * @param lease the lease it ran under
     * @param success whether it ended (else it could not be made)
     * @param digest the result's digest, for a success
     * @param exitCode the exit code, for a success
     * @param error why it could not be made, otherwise
     */
    record Report(String job, long lease, boolean success, Optional<String> digest, Optional<Integer> exitCode,
            Optional<String> error) implements JobMessage {
    }

    /**
     * What the scheduler made of a report.
     *
     * @param job the job
     * @param lease the lease
     * @param status {@code ACCEPTED}, {@code STALE} or {@code NOT_YOURS}
     */
    record ReportAck(String job, long lease, String status) implements JobMessage {
    }

    /**
     * The job is over: members stop its runs and drop what they keep of it.
     *
     * @param job the job
     */
    record Done(String job) implements JobMessage {
    }
}
