package org.ringfellow.job.internal.host;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.job.internal.protocol.MemberSession;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.JobWire;
import org.ringfellow.job.internal.wire.WireException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in another node's job: a {@link MemberSession} whose link is the job fellowship's request to
 * the submitter (the fellowship's founder), and the answers to the submitter's result requests. Only the
 * submitter is listened to; anything else, or a malformed message, is dropped and counted.
 */
final class MemberPart {

    private static final Logger LOG = LoggerFactory.getLogger(MemberPart.class);

    private final String job;
    private final FellowshipId fellowship;
    private final NodeId submitter;
    private final JobWire wire;
    private final MemberSession session;
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param job the job's id
     * @param fellowship its fellowship
     * @param submitter the node that submitted it
     * @param wire the codec
     * @param fellowships finds the fellowship when a request goes out
     * @param sessions makes the member session on a link
     * @param answerTimeout how long a request waits for its answer
     */
    MemberPart(String job, FellowshipId fellowship, NodeId submitter, JobWire wire,
            Function<FellowshipId, Optional<Fellowship>> fellowships,
            Function<MemberSession.Link, MemberSession> sessions, java.time.Duration answerTimeout) {
        this.job = job;
        this.fellowship = fellowship;
        this.submitter = submitter;
        this.wire = wire;
        this.session = sessions.apply(message -> request(fellowships, message, answerTimeout));
    }

    private CompletionStage<JobMessage> request(Function<FellowshipId, Optional<Fellowship>> fellowships,
            JobMessage message, java.time.Duration answerTimeout) {
        Optional<Fellowship> f = fellowships.apply(fellowship);
        if (f.isEmpty()) {
            return CompletableFuture.failedFuture(new FellowshipException("not in fellowship " + fellowship));
        }
        try {
            String answerTopic = answerTopic(message);
            return f.get().request(submitter, JobWire.topic(message), wire.encode(message), answerTimeout)
                    .thenApply(reply -> {
                        try {
                            return wire.decode(answerTopic, reply.payload());
                        } catch (WireException e) {
                            dropped.incrementAndGet();
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
        } catch (WireException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The topic of the answer to each request a member makes. */
    static String answerTopic(JobMessage request) throws WireException {
        if (request instanceof JobMessage.Fetch) {
            return JobWire.LEASES;
        }
        if (request instanceof JobMessage.SpecRequest) {
            return JobWire.TEMPLATE;
        }
        if (request instanceof JobMessage.InputRequest) {
            return JobWire.CHUNK;
        }
        if (request instanceof JobMessage.Report) {
            return JobWire.ACK;
        }
        throw new WireException("a member does not ask " + JobWire.topic(request));
    }

    String job() {
        return job;
    }

    NodeId submitter() {
        return submitter;
    }

    long dropped() {
        return dropped.get();
    }

    long runs() {
        return session.runs();
    }

    void start() {
        session.start();
    }

    /**
     * A message on the job's fellowship.
     *
     * @param f the fellowship
     * @param m the message
     * @return true if it says the job is over
     */
    boolean onMessage(Fellowship f, FellowshipMessage m) {
        if (!m.from().equals(submitter)) {
            dropped.incrementAndGet();
            return false;
        }
        JobMessage in;
        try {
            in = wire.decode(m.topic(), m.payload());
        } catch (WireException e) {
            dropped.incrementAndGet();
            LOG.debug("Job {}: dropped a malformed {}: {}", job, m.topic(), e.getMessage());
            return false;
        }
        if (!in.job().equals(job)) {
            dropped.incrementAndGet();
            return false;
        }
        try {
            Optional<JobMessage> answer = session.handle(in);
            if (answer.isPresent() && m.isRequest()) {
                f.reply(m, wire.encode(answer.get()));
            }
            return in instanceof JobMessage.Done;
        } catch (WireException e) {
            dropped.incrementAndGet();
            LOG.debug("Job {}: refused {}: {}", job, m.topic(), e.getMessage());
            return false;
        } catch (FellowshipException e) {
            LOG.debug("Job {}: could not answer the submitter: {}", job, e.getMessage());
            return false;
        }
    }

    /** Stops the session and drops the results kept for the job. */
    void close() {
        try {
            session.handle(new JobMessage.Done(job));
        } catch (WireException e) {
            session.close();
        }
    }
}
