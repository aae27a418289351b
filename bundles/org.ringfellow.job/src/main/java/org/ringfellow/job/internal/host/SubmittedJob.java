package org.ringfellow.job.internal.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.job.JobException;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.job.JobView;
import org.ringfellow.api.job.Progress;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.protocol.MemberSession;
import org.ringfellow.job.internal.protocol.ResultAssembly;
import org.ringfellow.job.internal.protocol.ResultCodec;
import org.ringfellow.job.internal.protocol.SubmitterProtocol;
import org.ringfellow.job.internal.quorum.Agreement;
import org.ringfellow.job.internal.quorum.Instance;
import org.ringfellow.job.internal.quorum.MemberRecord;
import org.ringfellow.job.internal.quorum.Outcome;
import org.ringfellow.job.internal.quorum.TaskQuorum;
import org.ringfellow.job.internal.quorum.TaskStatus;
import org.ringfellow.job.internal.store.JobLedger;
import org.ringfellow.job.internal.store.JobStore;
import org.ringfellow.job.internal.store.JobStoreException;
import org.ringfellow.job.internal.store.StoredJob;
import org.ringfellow.job.internal.submit.EtaEstimator;
import org.ringfellow.job.internal.submit.ResultWriter;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.JobWire;
import org.ringfellow.job.internal.wire.WireException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job on the node that submitted it: its {@link JobLedger} and {@link SubmitterProtocol}, the job fellowship it
 * founds for each run ({@code job.<id>.r<run>}), the submitter's own part in the work (a {@link MemberSession} on
 * a link inside this node), the timer's {@link #tick}, and at the end the collection of every canonical result
 * from a member that holds it (checked against the digest the quorum agreed on) into this node's data directory,
 * then {@code job.done} to every member and the fellowship dissolved. Protocol state is guarded by this object's
 * lock; fellowship calls are made outside it.
 */
final class SubmittedJob {

    private static final Logger LOG = LoggerFactory.getLogger(SubmittedJob.class);
    /** Parts of one result fetched at most (the largest result over the largest chunk, with room). */
    private static final int MAX_PARTS = (int) (JobWire.MAX_TOTAL / JobWire.MAX_CHUNK) + 2;
    /** How long candidates have to answer an invitation. */
    static final Duration INVITE_TIMEOUT = Duration.ofSeconds(5);

    static final String RECRUITING = "RECRUITING";
    static final String RUNNING = "RUNNING";
    static final String COLLECTING = "COLLECTING";

    private final JobStore store;
    private final String id;
    private final JobSpec spec;
    private final Path resultDir;
    private final String self;
    private final JobWire wire;
    private final Duration answerTimeout;
    private final FellowshipService fellowships;
    private final Executor workers;
    private final EtaEstimator eta = new EtaEstimator(30);
    private final AtomicLong dropped = new AtomicLong();
    private final JobLedger ledger;
    private final SubmitterProtocol protocol;
    private final FellowshipId fellowship;
    private final KeptResults kept;
    private final Optional<ValidatorAgreement> validator;
    /** Tasks whose canonical result is being collected now. */
    private final Set<Integer> collecting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String phase;
    private volatile String detail;
    private volatile MemberSession local;

    private SubmittedJob(JobStore store, String id, JobSpec spec, Path resultDir, String self, JobWire wire,
            Duration answerTimeout, FellowshipService fellowships, Executor workers, JobLedger ledger, String phase,
            int run, KeptResults kept, Optional<ValidatorAgreement> validator) {
        this.store = store;
        this.id = id;
        this.spec = spec;
        this.resultDir = resultDir;
        this.self = self;
        this.wire = wire;
        this.answerTimeout = answerTimeout;
        this.fellowships = fellowships;
        this.workers = workers;
        this.ledger = ledger;
        this.protocol = new SubmitterProtocol(ledger, spec);
        this.phase = phase;
        this.fellowship = new FellowshipId("job." + id + ".r" + run);
        this.kept = kept;
        this.validator = validator;
    }

    /**
     * Loads a kept job: a running one starts a new run (its fellowship is founded by {@link #recruit}); an ended one
     * is only shown.
     *
     * @param comparer runs the job's validator (used only if the job names one)
     */
    static SubmittedJob load(JobStore store, StoredJob job, JobSpec spec, Path resultDir, String self, JobWire wire,
            Duration answerTimeout, FellowshipService fellowships, Executor workers,
            ValidatorAgreement.Comparer comparer) throws JobStoreException {
        KeptResults kept = new KeptResults(resultDir, spec.outputs(), spec.maxOutputBytes());
        Optional<ValidatorAgreement> validator = spec.validator().map(v -> new ValidatorAgreement(job.id(), comparer,
                kept::seen));
        Agreement agreement = validator.<Agreement>map(v -> v).orElse(Agreement.BY_HASH);
        JobLedger ledger = JobLedger.start(store, job, spec, agreement, spec.deadlineSeconds() * 1000L,
                System::currentTimeMillis);
        StoredJob now = store.job(job.id()).orElseThrow(() -> new JobStoreException("job " + job.id() + " vanished"));
        String phase = job.state() == StoredJob.State.RUNNING ? RECRUITING
                : job.state() == StoredJob.State.DONE && !complete(resultDir, ledger) ? COLLECTING
                : job.state().name();
        return new SubmittedJob(store, job.id(), spec, resultDir, self, wire, answerTimeout, fellowships, workers,
                ledger, phase, now.runs(), kept, validator);
    }

    private static boolean complete(Path resultDir, JobLedger ledger) {
        for (int t = 0; t < ledger.scheduler().taskCount(); t++) {
            if (ledger.scheduler().task(t).canonical().isPresent()
                    && !Files.isRegularFile(resultDir.resolve(t + ".result"))) {
                return false;
            }
        }
        return true;
    }

    String id() {
        return id;
    }

    FellowshipId fellowship() {
        return fellowship;
    }

    JobSpec spec() {
        return spec;
    }

    long dropped() {
        return dropped.get();
    }

    /**
     * Founds the job's fellowship for this run and, once it stands, starts this node's own part.
     *
     * @param excluded members this submitter excluded before (not recruited)
     * @param localPart makes this node's member session on a link
     */
    void recruit(Set<String> excluded, Function<MemberSession.Link, MemberSession> localPart) {
        if (!phase.equals(RECRUITING)) {
            return;
        }
        Set<NodeId> avoid = new java.util.HashSet<>();
        for (String member : excluded) {
            try {
                avoid.add(NodeId.parse(member));
            } catch (IllegalArgumentException e) {
                LOG.warn("Job {}: a kept exclusion names no node id: {}", id, member);
            }
        }
        Resources need = new Resources(spec.resources().milliCpus(), spec.resources().memoryBytes(),
                spec.resources().diskBytes());
        FellowshipSpec fs = new FellowshipSpec(fellowship, spec.members(),
                new ResourceQuery(need, Set.of(), Set.of(), Map.of(), avoid, ResourceQuery.MAX_LIMIT), need,
                INVITE_TIMEOUT);
        CompletionStage<Fellowship> created;
        try {
            created = fellowships.create(fs);
        } catch (RuntimeException e) {
            created = CompletableFuture.failedFuture(e);
        }
        // off the fellowship thread: a failed founding dissolves, and a fellowship call must not run on its own thread
        created.whenCompleteAsync((f, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                fail("its fellowship of " + spec.members() + " could not be recruited: " + cause.getMessage());
                return;
            }
            boolean stale;
            synchronized (this) {
                stale = !phase.equals(RECRUITING);
                if (!stale) {
                    phase = RUNNING;
                }
            }
            if (stale) {
                // cancelled while recruiting: the fellowship that now stands has no job
                dissolveQuietly(f);
                return;
            }
            LOG.info("Job {}: fellowship {} of {} members founded", id, fellowship, f.roster().members().size());
            MemberSession session = localPart.apply(this::handleLocal);
            local = session;
            session.start();
        }, workers);
    }

    private void fail(String why) {
        synchronized (this) {
            if (!phase.equals(RECRUITING) && !phase.equals(RUNNING)) {
                return;
            }
            phase = StoredJob.State.FAILED.name();
            detail = why;
            setState(StoredJob.State.FAILED);
        }
        LOG.warn("Job {} failed: {}", id, why);
        stopLocal();
        fellowships.get(fellowship).ifPresent(this::dissolveQuietly);
    }

    /** The submitter's own member session reaches the protocol through the codec, as a remote member would. */
    private CompletionStage<JobMessage> handleLocal(JobMessage message) {
        try {
            JobMessage decoded = wire.decode(JobWire.topic(message), wire.encode(message));
            if (validates(decoded)) {
                CompletableFuture<JobMessage> answer = new CompletableFuture<>();
                workers.execute(() -> {
                    try {
                        JobMessage a = validateThenHandle(self, (JobMessage.Report) decoded);
                        answer.complete(wire.decode(JobWire.topic(a), wire.encode(a)));
                    } catch (WireException | RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                });
                return answer;
            }
            JobMessage answer = handleNow(self, decoded, false);
            return CompletableFuture.completedFuture(wire.decode(JobWire.topic(answer), wire.encode(answer)));
        } catch (WireException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A successful report of a job with a validator: its result is fetched and compared before it is judged. */
    private boolean validates(JobMessage message) {
        return validator.isPresent() && message instanceof JobMessage.Report r && r.success();
    }

    /**
     * Hands a message to the protocol under this object's lock, then starts collecting the canonical result of a
     * task the message validated.
     *
     * @param early whether the job may still be recruiting (a remote member's message)
     */
    private JobMessage handleNow(String member, JobMessage message, boolean early) throws WireException {
        JobMessage answer;
        Optional<Integer> task = Optional.empty();
        synchronized (this) {
            if (!phase.equals(RUNNING) && !(early && phase.equals(RECRUITING))) {
                throw new WireException("job " + id + " is " + phase);
            }
            if (message instanceof JobMessage.Report r) {
                task = ledger.scheduler().lease(r.lease()).filter(l -> l.member().equals(member))
                        .map(org.ringfellow.job.internal.quorum.Lease::task);
            }
            answer = protocol.handle(member, message, System.currentTimeMillis());
        }
        task.ifPresent(this::collectSoon);
        return answer;
    }

    /**
     * The validator's way for a successful report: the result's content is fetched from the member that reports it
     * (checked against its digest) and kept, the validator compares it with the task's results back before (no
     * lock held: these are container runs), then the report is judged with those verdicts. A member that cannot
     * hand over the result it reports has its report taken as an error.
     */
    private JobMessage validateThenHandle(String member, JobMessage.Report report) throws WireException {
        int task;
        List<String> earlier = new ArrayList<>();
        synchronized (this) {
            Optional<org.ringfellow.job.internal.quorum.Lease> lease = ledger.scheduler().lease(report.lease())
                    .filter(l -> l.member().equals(member));
            if (lease.isEmpty() || !phase.equals(RUNNING) && !phase.equals(RECRUITING)) {
                return handleNow(member, report, true);
            }
            task = lease.get().task();
            for (Instance i : ledger.scheduler().task(task).instances()) {
                if (i.outcome() == Outcome.SUCCESS && i.validity() != org.ringfellow.job.internal.quorum.Validity.DISCARDED
                        && !earlier.contains(i.hash())) {
                    earlier.add(i.hash());
                }
            }
        }
        String digest = report.digest().orElseThrow();
        JobMessage.Report judged = report;
        if (kept.seen(task, digest).isEmpty()) {
            Optional<TaskResult> result = fetch(member, task, digest);
            try {
                if (result.isEmpty()) {
                    throw new IOException("it could not be fetched from " + member.substring(0, 8));
                }
                kept.keepSeen(task, digest, result.get());
            } catch (IOException e) {
                LOG.info("Job {}: task {}: a result to validate is taken as an error: {}", id, task, e.getMessage());
                judged = new JobMessage.Report(id, report.lease(), false, Optional.empty(), Optional.empty(),
                        Optional.of("its result could not be kept for the validator: " + e.getMessage()));
            }
        }
        if (judged.success()) {
            validator.orElseThrow().prepare(task, digest, earlier);
        }
        return handleNow(member, judged, true);
    }

    /** Starts collecting a task's canonical result if it is validated and not collected (or not this one). */
    private void collectSoon(int task) {
        String digest;
        synchronized (this) {
            TaskQuorum q = ledger.scheduler().task(task);
            if (q.status() != TaskStatus.VALID || q.canonical().isEmpty()) {
                return;
            }
            digest = q.canonical().get().hash();
        }
        if (!collecting.add(task)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    collectOne(task, digest);
                } finally {
                    collecting.remove(task);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            collecting.remove(task);
        }
    }

    /**
     * Keeps a task's canonical result in the data directory: from what the validator kept, else fetched from a
     * member that holds it.
     *
     * @return true if it is kept
     */
    private boolean collectOne(int task, String digest) {
        if (kept.hasCanonical(task, digest)) {
            return true;
        }
        Optional<TaskResult> result = kept.seen(task, digest);
        if (result.isEmpty()) {
            List<String> holders;
            synchronized (this) {
                holders = protocol.holders(task);
            }
            for (String holder : holders) {
                result = fetch(holder, task, digest);
                if (result.isPresent()) {
                    break;
                }
            }
        }
        if (result.isEmpty()) {
            return false;
        }
        try {
            kept.keepCanonical(task, result.get());
            return true;
        } catch (IOException e) {
            LOG.warn("Job {}: task {}'s result could not be written to {}: {}", id, task, kept.dir(), e.toString());
            return false;
        }
    }

    /**
     * A member's message on the job's fellowship: answered from the protocol; a malformed or refused one is dropped
     * and counted.
     */
    void onMessage(Fellowship f, FellowshipMessage m) {
        JobMessage in;
        try {
            in = wire.decode(m.topic(), m.payload());
        } catch (WireException e) {
            dropped.incrementAndGet();
            LOG.debug("Job {}: dropped a malformed {} from {}: {}", id, m.topic(), m.from().shortId(), e.getMessage());
            return;
        }
        if (validates(in)) {
            try {
                workers.execute(() -> answer(f, m, in));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                dropped.incrementAndGet();
            }
            return;
        }
        answer(f, m, in);
    }

    private void answer(Fellowship f, FellowshipMessage m, JobMessage in) {
        JobMessage answer;
        try {
            answer = validates(in) ? validateThenHandle(m.from().hex(), (JobMessage.Report) in)
                    : handleNow(m.from().hex(), in, true);
        } catch (WireException e) {
            dropped.incrementAndGet();
            LOG.debug("Job {}: refused {} from {}: {}", id, m.topic(), m.from().shortId(), e.getMessage());
            return;
        }
        if (!m.isRequest()) {
            return;
        }
        try {
            f.reply(m, wire.encode(answer));
        } catch (WireException | FellowshipException e) {
            LOG.debug("Job {}: could not answer {}: {}", id, m.from().shortId(), e.getMessage());
        }
    }

    /** A member left the fellowship or died: its leases go to others. */
    synchronized void left(NodeId member) {
        if (phase.equals(RUNNING) || phase.equals(RECRUITING)) {
            protocol.left(member.hex());
        }
    }

    /** Ends leases past their deadline; once every task is validated or failed, collects the results. */
    void tick() {
        boolean collect = false;
        synchronized (this) {
            if (phase.equals(RUNNING)) {
                long now = System.currentTimeMillis();
                protocol.tick(now);
                Progress p = ledger.scheduler().progress();
                eta.sample(System.nanoTime() / 1_000_000, p.validated() + p.failed());
                if (p.finished()) {
                    phase = COLLECTING;
                    collect = true;
                }
            } else if (phase.equals(COLLECTING) && local == null && detail == null) {
                // a job that ended before a restart with results still to collect: the members dropped theirs
                detail = "its results were not all collected before this node restarted";
                phase = StoredJob.State.DONE.name();
            }
        }
        if (collect) {
            workers.execute(this::collect);
        }
    }

    private void collect() {
        int missing = 0;
        for (int t = 0; t < spec.inputs().size(); t++) {
            String digest;
            synchronized (this) {
                Optional<Instance> canonical = ledger.scheduler().task(t).canonical();
                if (canonical.isEmpty()) {
                    continue;
                }
                digest = canonical.get().hash();
            }
            if (!collectOne(t, digest)) {
                missing++;
            }
        }
        kept.dropSeen();
        synchronized (this) {
            if (!phase.equals(COLLECTING)) {
                return;
            }
            phase = StoredJob.State.DONE.name();
            detail = missing == 0 ? null : missing + " validated result(s) could not be fetched from any member";
        }
        LOG.info("Job {} done{}", id, missing == 0 ? "" : ": " + detail);
        end();
    }

    private Optional<TaskResult> fetch(String holder, int task, String digest) {
        ResultAssembly assembly = new ResultAssembly(id, task, digest, spec.outputs(), spec.maxOutputBytes());
        try {
            for (int part = 0; part < MAX_PARTS; part++) {
                JobMessage.ResultRequest request = assembly.next();
                JobMessage answer;
                if (holder.equals(self)) {
                    MemberSession session = local;
                    if (session == null) {
                        return Optional.empty();
                    }
                    answer = session.handle(request).orElseThrow(() -> new WireException("no answer"));
                } else {
                    Fellowship f = fellowships.get(fellowship).orElse(null);
                    if (f == null) {
                        return Optional.empty();
                    }
                    FellowshipMessage reply = f.request(NodeId.parse(holder), JobWire.RESULT_REQUEST,
                            wire.encode(request), answerTimeout).toCompletableFuture()
                            .get(answerTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                    answer = wire.decode(JobWire.CHUNK, reply.payload());
                }
                if (!(answer instanceof JobMessage.Chunk chunk)) {
                    return Optional.empty();
                }
                Optional<TaskResult> result = assembly.accept(chunk);
                if (result.isPresent()) {
                    return result;
                }
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            LOG.info("Job {}: task {}'s result could not be fetched from {}: {}", id, task, holder, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Cancels the job: the members are told, the fellowship dissolved; what was validated is kept.
     *
     * @throws JobException if it has ended
     */
    void cancel() throws JobException {
        synchronized (this) {
            if (!phase.equals(RECRUITING) && !phase.equals(RUNNING) && !phase.equals(COLLECTING)) {
                throw new JobException("job " + id + " has ended (" + phase + "); nothing to cancel");
            }
            phase = StoredJob.State.CANCELLED.name();
            setState(StoredJob.State.CANCELLED);
        }
        end();
    }

    private void setState(StoredJob.State state) {
        try {
            StoredJob job = store.job(id).orElseThrow();
            store.update(new StoredJob(id, state, job.submittedMillis(), job.seed(), job.nextLease(), job.runs()));
        } catch (JobStoreException e) {
            LOG.error("Job {}: its state could not be kept: {}", id, e.getMessage());
        }
    }

    /** Tells every member the job is over, stops this node's part and dissolves the fellowship. */
    private void end() {
        Optional<Fellowship> f = fellowships.get(fellowship);
        if (f.isPresent()) {
            try {
                f.get().broadcast(JobWire.DONE, wire.encode(new JobMessage.Done(id)));
            } catch (WireException | FellowshipException e) {
                LOG.info("Job {}: not every member heard it is done: {}", id, e.getMessage());
            }
        }
        stopLocal();
        f.ifPresent(this::dissolveQuietly);
    }

    private void stopLocal() {
        MemberSession session = local;
        if (session != null) {
            try {
                session.handle(new JobMessage.Done(id));
            } catch (WireException e) {
                session.close();
            }
        }
    }

    private void dissolveQuietly(Fellowship f) {
        try {
            f.dissolve();
        } catch (FellowshipException e) {
            LOG.info("Job {}: its fellowship {} could not be dissolved: {}", id, f.id(), e.getMessage());
        }
    }

    /** Stops this node's part (node shutting down); the kept state lets the next start resume the job. */
    void close() {
        stopLocal();
    }

    synchronized JobView view() {
        Progress p = ledger.scheduler().progress();
        List<JobView.MemberView> members = new ArrayList<>();
        for (Map.Entry<String, MemberRecord> e : ledger.scheduler().members().entrySet()) {
            MemberRecord r = e.getValue();
            members.add(new JobView.MemberView(e.getKey(), r.consecutiveValid(), r.valid(), r.invalid(), r.excluded()));
        }
        int collected = 0;
        for (int t = 0; t < spec.inputs().size(); t++) {
            if (Files.isRegularFile(resultDir.resolve(t + ".result"))) {
                collected++;
            }
        }
        return new JobView(id, phase, Optional.ofNullable(detail), spec.inputs().size(), p, collected, members,
                phase.equals(RUNNING) ? eta.eta(spec.inputs().size()) : Optional.empty(),
                validator.map(ValidatorAgreement::runs));
    }

    synchronized List<JobService.TaskLine> tasks() {
        List<JobService.TaskLine> lines = new ArrayList<>();
        for (int t = 0; t < spec.inputs().size(); t++) {
            TaskQuorum q = ledger.scheduler().task(t);
            int results = (int) q.instances().stream().filter(i -> i.outcome() != Outcome.IN_PROGRESS
                    && i.outcome() != Outcome.LOST).count();
            Optional<TaskResult> kept = read(t);
            lines.add(new JobService.TaskLine(t, q.status().name(), results, q.canonical().map(Instance::hash),
                    kept.map(TaskResult::exitCode), kept.map(r -> {
                        String out = new String(r.stdout(), StandardCharsets.UTF_8);
                        return out.length() > 200 ? out.substring(0, 200) : out;
                    }), q.error()));
        }
        return lines;
    }

    private Optional<TaskResult> read(int task) {
        Path file = resultDir.resolve(task + ".result");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ResultCodec.decode(Files.readAllBytes(file), spec.outputs(), spec.maxOutputBytes()));
        } catch (IOException | WireException e) {
            LOG.warn("Job {}: kept result {} does not read: {}", id, file, e.getMessage());
            return Optional.empty();
        }
    }

    int results(Path dir) throws JobException {
        List<ResultWriter.Entry> entries = new ArrayList<>();
        synchronized (this) {
            for (int t = 0; t < spec.inputs().size(); t++) {
                TaskQuorum q = ledger.scheduler().task(t);
                Optional<TaskResult> kept = q.status() == TaskStatus.VALID ? read(t)
                        .filter(r -> r.digest(spec.outputs()).equals(q.canonical().orElseThrow().hash()))
                        : Optional.empty();
                String status = q.status() == TaskStatus.VALID && kept.isEmpty() ? "UNCOLLECTED" : q.status().name();
                entries.add(new ResultWriter.Entry(t, status, q.canonical().map(Instance::hash), q.error(), kept));
            }
        }
        try {
            return ResultWriter.write(dir, spec.outputs(), entries);
        } catch (IOException e) {
            throw new JobException("job " + id + ": results not written: " + e.getMessage(), e);
        }
    }
}
