package org.ringfellow.job.internal.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.model.TaskInput;
import org.ringfellow.job.internal.quorum.Instance;
import org.ringfellow.job.internal.quorum.JobEvent;
import org.ringfellow.job.internal.quorum.Lease;
import org.ringfellow.job.internal.quorum.Outcome;
import org.ringfellow.job.internal.quorum.TaskQuorum;
import org.ringfellow.job.internal.quorum.Validity;
import org.ringfellow.job.internal.quorum.WorkScheduler;
import org.ringfellow.job.internal.store.JobLedger;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.JobWire;
import org.ringfellow.job.internal.wire.WireException;

/**
 * The submitter's side of one job's messages: answers a member's {@link JobMessage.Fetch},
 * {@link JobMessage.SpecRequest}, {@link JobMessage.InputRequest} and {@link JobMessage.Report} from the job's
 * {@link WorkScheduler}, and writes what changed through its {@link JobLedger} before the answer goes out. A
 * member joins the scheduler with the job's {@code slotsPerMember} on its first fetch. No thread and no clock of
 * its own: callers pass the time and call it one at a time. A message it cannot accept (one a member never
 * sends, another member's lease) is counted and refused with a {@link WireException}.
 */
public final class SubmitterProtocol {

    private final JobLedger ledger;
    private final JobSpec spec;
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param ledger the job's ledger (and so its scheduler)
     * @param spec the job
     */
    public SubmitterProtocol(JobLedger ledger, JobSpec spec) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /**
     * Answers one member's message.
     *
     * @param member the member (as the fellowship authenticated it)
     * @param message the decoded message
     * @param now the time, in milliseconds
     * @return the answer
     * @throws WireException if the message is not one to accept from this member now (counted)
     */
    public JobMessage handle(String member, JobMessage message, long now) throws WireException {
        if (!message.job().equals(ledger.id())) {
            throw refuse("a message for job " + message.job() + " on job " + ledger.id() + "'s fellowship");
        }
        WorkScheduler s = ledger.scheduler();
        try {
            if (message instanceof JobMessage.Fetch f) {
                s.join(member, spec.slotsPerMember());
                List<JobMessage.Grant> grants = new ArrayList<>();
                for (Lease lease : s.fetch(member, Math.min(f.max(), JobWire.MAX_GRANTS), now)) {
                    grants.add(grant(lease));
                }
                return new JobMessage.Leases(ledger.id(), grants);
            }
            if (message instanceof JobMessage.SpecRequest) {
                return new JobMessage.Template(ledger.id(), spec);
            }
            if (message instanceof JobMessage.InputRequest r) {
                Lease lease = s.lease(r.lease()).filter(l -> l.member().equals(member))
                        .orElseThrow(() -> refuse("an input request on a lease " + member + " does not hold"));
                long size = size(lease.task());
                if (r.offset() > size) {
                    throw refuse("an input request past the input's end");
                }
                byte[] part = range(lease.task(), r.offset(), (int) Math.min(JobWire.MAX_CHUNK, size - r.offset()));
                return new JobMessage.Chunk(ledger.id(), r.offset(), size, part);
            }
            if (message instanceof JobMessage.Report r) {
                WorkScheduler.ReportStatus status = s.report(member, r.lease(),
                        r.success() ? Outcome.SUCCESS : Outcome.ERROR, r.digest().orElse(null));
                return new JobMessage.ReportAck(ledger.id(), r.lease(), status.name());
            }
            throw refuse("a " + JobWire.topic(message) + " from a member");
        } finally {
            ledger.record();
        }
    }

    /**
     * Ends leases past their deadline and writes what changed.
     *
     * @param now the time, in milliseconds
     * @return the events written
     */
    public List<JobEvent> tick(long now) {
        ledger.scheduler().expire(now);
        return ledger.record();
    }

    /**
     * A member left the fellowship or died: its leases are handed out again.
     *
     * @param member the member
     */
    public void left(String member) {
        ledger.scheduler().leave(member);
        ledger.record();
    }

    /**
     * Members holding a valid result of a task, from whom its content can be fetched.
     *
     * @param task the task
     * @return the members, canonical result's first
     */
    public List<String> holders(int task) {
        TaskQuorum q = ledger.scheduler().task(task);
        List<String> out = new ArrayList<>();
        q.canonical().ifPresent(c -> out.add(c.member()));
        for (Instance i : q.instances()) {
            if (i.validity() == Validity.VALID && !out.contains(i.member())) {
                out.add(i.member());
            }
        }
        return out;
    }

    /** @return messages refused so far */
    public long refused() {
        return refused.get();
    }

    private JobMessage.Grant grant(Lease lease) throws WireException {
        long size = size(lease.task());
        Optional<byte[]> inline = size <= JobWire.MAX_INLINE ? Optional.of(input(lease.task())) : Optional.empty();
        if (inline.isPresent() && inline.get().length != size) {
            throw new WireException("task " + lease.task() + ": its input file changed size while being read");
        }
        return new JobMessage.Grant(lease.id(), lease.task(), spec.deadlineSeconds(), size, inline);
    }

    /**
     * A task's input as the member gets it: its line and a newline, or its file's bytes.
     *
     * @param task the task
     * @return the bytes
     * @throws WireException if the file cannot be read or grew over its limit
     */
    byte[] input(int task) throws WireException {
        TaskInput input = spec.inputs().get(task);
        if (input.line().isPresent()) {
            return (input.line().get() + "\n").getBytes(StandardCharsets.UTF_8);
        }
        Path file = input.file().orElseThrow();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) JobFileReader.MAX_INPUT_FILE_BYTES + 1);
            if (bytes.length > JobFileReader.MAX_INPUT_FILE_BYTES) {
                throw new WireException("task " + task + ": input file " + file + " grew over its limit");
            }
            return bytes;
        } catch (IOException e) {
            throw new WireException("task " + task + ": input file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private long size(int task) throws WireException {
        TaskInput input = spec.inputs().get(task);
        return input.line().isPresent() ? input.line().get().getBytes(StandardCharsets.UTF_8).length + 1
                : fileSize(input.file().orElseThrow());
    }

    /** Part of a task's input: a file is read only where asked, never whole per chunk. */
    private byte[] range(int task, long offset, int length) throws WireException {
        TaskInput input = spec.inputs().get(task);
        if (input.line().isPresent()) {
            byte[] all = input(task);
            return java.util.Arrays.copyOfRange(all, (int) offset, (int) offset + length);
        }
        Path file = input.file().orElseThrow();
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new WireException("task " + task + ": input file " + file + " shrank while being sent");
                }
            }
            return buffer.array();
        } catch (IOException e) {
            throw new WireException("task " + task + ": input file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static long fileSize(Path file) throws WireException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new WireException("input file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private WireException refuse(String what) {
        refused.incrementAndGet();
        return new WireException("refused: " + what);
    }
}
