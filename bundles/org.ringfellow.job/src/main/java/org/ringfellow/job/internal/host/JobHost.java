package org.ringfellow.job.internal.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.job.JobException;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.job.JobView;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.job.internal.member.TaskRunner;
import org.ringfellow.job.internal.model.JobFileException;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.protocol.MemberResults;
import org.ringfellow.job.internal.protocol.MemberSession;
import org.ringfellow.job.internal.store.JobStore;
import org.ringfellow.job.internal.store.JobStoreException;
import org.ringfellow.job.internal.store.StoredJob;
import org.ringfellow.job.internal.wire.JobWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts jobs on a node, both sides. As a submitter it keeps each job in the node store, founds the job's
 * fellowship over the {@link FellowshipService}, answers its members and takes part itself ({@link SubmittedJob});
 * as a member of another node's job fellowship ({@code job.<id>.r<run>}, heard on the fellowship whiteboard) it
 * runs a {@link MemberPart}: tasks in real containers through the {@link ContainerManager}. Fellowship events are
 * handed off the fellowship thread to one event thread, in order; results are collected on a worker thread.
 */
public final class JobHost implements JobService, FellowshipListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobHost.class);
    /** A job fellowship's id. */
    static final Pattern FELLOWSHIP = Pattern.compile("job\\.([a-z0-9][a-z0-9-]{0,31}-[0-9a-f]{8})\\.r([0-9]{1,7})");
    /** A job id as the console takes it. */
    static final Pattern JOB_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}-[0-9a-f]{8}");

    private final NodeService node;
    private final FellowshipService fellowships;
    private final ContainerManager containers;
    private final ImageStore images;
    private final JobsConfig config;
    private final JobStore store;
    private final JobFileReader reader = new JobFileReader();
    private final JobWire wire = new JobWire();
    private final Path dataDir;
    private final String self;
    private final Map<String, SubmittedJob> submitted = new ConcurrentHashMap<>();
    private final Map<FellowshipId, MemberPart> parts = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> thread(r, "jobs-events"));
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> thread(r, "jobs-worker"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> thread(r,
            "jobs-timer"));
    private volatile boolean closed;

    /**
     * @param node the node (its id and data directory)
     * @param nodeStore the node store, for the submitter's durable state
     * @param fellowships the fellowship service
     * @param containers the container manager tasks run through
     * @param images the image store
     * @param config the configuration
     * @throws IOException if the data directory cannot be made
     */
    public JobHost(NodeService node, NodeStore nodeStore, FellowshipService fellowships, ContainerManager containers,
            ImageStore images, JobsConfig config) throws IOException {
        this.node = node;
        this.fellowships = fellowships;
        this.containers = containers;
        this.images = images;
        this.config = config;
        this.store = new JobStore(nodeStore);
        this.dataDir = config.dataDir().orElse(node.dataDirectory().resolve("jobs"));
        this.self = node.identity().id().hex();
        Files.createDirectories(dataDir);
        // what a run before a crash left: task directories and member results of fellowships that are gone
        deleteTree(dataDir.resolve("work"));
        deleteTree(dataDir.resolve("member"));
        Files.createDirectories(dataDir.resolve("work"));
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Loads the kept jobs (running ones resume with a new fellowship) and starts the timer. */
    public void start() {
        for (StoredJob job : store.jobs()) {
            try {
                SubmittedJob s = load(job);
                submitted.put(s.id(), s);
                s.recruit(store.excluded(), localSession(s.id()));
                if (job.state() == StoredJob.State.RUNNING) {
                    LOG.info("Job {} resumed (fellowship {})", job.id(), s.fellowship());
                }
            } catch (JobStoreException | RuntimeException e) {
                LOG.error("Job {} could not be loaded: {}", job.id(), e.getMessage());
            }
        }
        long tick = config.tick().toMillis();
        timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    private SubmittedJob load(StoredJob job) throws JobStoreException {
        JobSpec spec = store.spec(job.id(), reader);
        TaskRunner runner = new TaskRunner(containers, images, dataDir.resolve("work"));
        return SubmittedJob.load(store, job, spec, dataDir.resolve("results").resolve(job.id()), self, wire,
                config.answerTimeout(), fellowships, workers, (task, a, b) -> runner.compare(job.id(), spec, task, a, b));
    }

    private void tick() {
        for (SubmittedJob s : submitted.values()) {
            try {
                s.tick();
            } catch (RuntimeException e) {
                LOG.warn("Job {}: tick failed: {}", s.id(), e.toString());
            }
        }
    }

    /** This node's own part in a job it submitted. */
    private java.util.function.Function<MemberSession.Link, MemberSession> localSession(String job) {
        return link -> session(job, link, dataDir.resolve("member").resolve("own." + job));
    }

    private MemberSession session(String job, MemberSession.Link link, Path resultsDir) {
        return new MemberSession(job, link, new TaskRunner(containers, images, dataDir.resolve("work")),
                new MemberResults(job, resultsDir), config.idle(), config.answerTimeout(), config.maxSlots());
    }

    // ------------------------------------------------------------------ JobService

    @Override
    public JobView submit(Path file) throws JobException {
        if (closed) {
            throw new JobException("the job host is stopping");
        }
        JobSpec spec;
        byte[] bytes;
        try {
            spec = reader.read(file);
            bytes = Files.readAllBytes(file);
        } catch (JobFileException e) {
            throw new JobException(e.getMessage(), e);
        } catch (IOException e) {
            throw new JobException("cannot read job file " + file + ": " + e.getMessage(), e);
        }
        checkImage(spec);
        String content = new String(bytes, StandardCharsets.UTF_8);
        String lower = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean yaml = lower.endsWith(".json") ? false : lower.endsWith(".yaml") || lower.endsWith(".yml")
                || !content.strip().startsWith("{");
        StoredJob job = store.submit(spec, content, yaml, file.toAbsolutePath().getParent(), System.currentTimeMillis(),
                new java.security.SecureRandom().nextLong());
        SubmittedJob s;
        try {
            s = load(job);
        } catch (JobStoreException e) {
            throw new JobException("job " + job.id() + " was kept but does not load: " + e.getMessage(), e);
        }
        submitted.put(s.id(), s);
        LOG.info("Job {} submitted: {} tasks, {} members, quorum {}", s.id(), spec.inputs().size(), spec.members(),
                spec.replication().minQuorum());
        s.recruit(store.excluded(), localSession(s.id()));
        return s.view();
    }

    /**
     * The job's image must be in this node's image store: the submitter takes part in its job and runs its validator
     * there, and an image it lacks is most likely one its members lack too (each member also checks, and a missing
     * image is an error result there).
     */
    private void checkImage(JobSpec spec) throws JobException {
        boolean found;
        try {
            found = images.find(spec.image()).isPresent();
        } catch (RuntimeException e) {
            throw new JobException("job " + spec.name() + ": this node's image store could not be read for image "
                    + spec.image() + ": " + e.getMessage(), e);
        }
        if (!found) {
            throw new JobException("job " + spec.name() + ": image " + spec.image() + " is not in this node's image "
                    + "store; import it here and on the members with image:import " + spec.image()
                    + " <rootfs.tar> (image:list shows the images), or use the base image");
        }
    }

    @Override
    public List<JobView> list() {
        List<JobView> out = new ArrayList<>();
        for (StoredJob job : store.jobs()) {
            SubmittedJob s = submitted.get(job.id());
            if (s != null) {
                out.add(s.view());
            }
        }
        return out;
    }

    @Override
    public Optional<JobView> status(String id) {
        return Optional.ofNullable(submitted.get(id)).map(SubmittedJob::view);
    }

    @Override
    public List<TaskLine> tasks(String id) throws JobException {
        return job(id).tasks();
    }

    @Override
    public int results(String id, Path dir) throws JobException {
        return job(id).results(dir);
    }

    @Override
    public JobView cancel(String id) throws JobException {
        SubmittedJob s = job(id);
        s.cancel();
        return s.view();
    }

    private SubmittedJob job(String id) throws JobException {
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw new JobException("'" + id + "' is not a job id (a job's name, '-' and 8 hex digits; see job:list)");
        }
        SubmittedJob s = submitted.get(id);
        if (s == null) {
            throw new JobException("no job " + id + " on this node (see job:list)");
        }
        return s;
    }

    /** @return fellowship messages dropped as malformed, refused or from a node not entitled to send them */
    public long dropped() {
        long n = dropped.get();
        for (SubmittedJob s : submitted.values()) {
            n += s.dropped();
        }
        for (MemberPart p : parts.values()) {
            n += p.dropped();
        }
        return n;
    }

    /** @return the jobs of other submitters this node takes part in, by fellowship */
    public Map<FellowshipId, String> parts() {
        Map<FellowshipId, String> out = new java.util.TreeMap<>(java.util.Comparator.comparing(FellowshipId::value));
        parts.forEach((f, p) -> out.put(f, p.job()));
        return out;
    }

    // ------------------------------------------------------------------ FellowshipListener

    @Override
    public void onEvent(FellowshipEvent event) {
        Matcher m = FELLOWSHIP.matcher(event.fellowship().value());
        if (closed || !m.matches()) {
            return;
        }
        String job = m.group(1);
        try {
            events.execute(() -> {
                try {
                    handle(job, event);
                } catch (RuntimeException e) {
                    LOG.warn("Job {}: could not handle {}: {}", job, event.type(), e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void handle(String job, FellowshipEvent event) {
        if (closed) {
            return;
        }
        NodeId me = node.identity().id();
        SubmittedJob own = submitted.get(job);
        if (own != null && own.fellowship().equals(event.fellowship())) {
            switch (event.type()) {
                case MESSAGE -> event.message().ifPresent(msg -> fellowships.get(event.fellowship())
                        .ifPresent(f -> own.onMessage(f, msg)));
                case MEMBER_LEFT -> event.member().filter(x -> !x.equals(me)).ifPresent(own::left);
                default -> {
                }
            }
            return;
        }
        MemberPart part = parts.get(event.fellowship());
        switch (event.type()) {
            case MEMBER_JOINED -> {
                if (part == null && event.member().filter(me::equals).isPresent()) {
                    join(job, event);
                }
            }
            case MESSAGE -> {
                if (part == null) {
                    dropped.incrementAndGet();
                    return;
                }
                Optional<Fellowship> f = fellowships.get(event.fellowship());
                if (f.isPresent() && event.message().isPresent() && part.onMessage(f.get(), event.message().get())) {
                    parts.remove(event.fellowship(), part);
                    LOG.info("Job {}: done, {} task run(s) made here", job, part.runs());
                }
            }
            case MEMBER_LEFT -> {
                if (part != null && event.member().filter(x -> x.equals(me) || x.equals(part.submitter()))
                        .isPresent()) {
                    drop(event.fellowship(), part, "its submitter or this node left the fellowship");
                }
            }
            case DISSOLVED -> {
                if (part != null) {
                    drop(event.fellowship(), part, "its fellowship was dissolved");
                }
            }
            default -> {
            }
        }
    }

    private void join(String job, FellowshipEvent event) {
        Optional<Fellowship> f = fellowships.get(event.fellowship());
        if (f.isEmpty()) {
            return;
        }
        if (event.roster().epoch() != 1) {
            // the founder (the submitter) no longer coordinates: whoever does has no job to hand out
            LOG.info("Job {}: fellowship {} is past its founder (epoch {}); leaving", job, event.fellowship(),
                    event.roster().epoch());
            leave(f.get());
            return;
        }
        if (parts.size() >= config.maxJobs()) {
            LOG.info("Job {}: this node takes part in {} jobs already (maxJobs); leaving", job, parts.size());
            leave(f.get());
            return;
        }
        NodeId submitter = event.roster().coordinator();
        MemberPart part = new MemberPart(job, event.fellowship(), submitter, wire, fellowships::get,
                link -> session(job, link, dataDir.resolve("member").resolve(event.fellowship().value())),
                config.answerTimeout());
        parts.put(event.fellowship(), part);
        part.start();
        LOG.info("Job {}: this node takes part (submitter {})", job, submitter.shortId());
    }

    private void drop(FellowshipId id, MemberPart part, String why) {
        if (parts.remove(id, part)) {
            LOG.info("Job {}: this node's part ends: {}", part.job(), why);
            part.close();
        }
        fellowships.get(id).ifPresent(f -> {
            if (!f.isCoordinator()) {
                leave(f);
            }
        });
    }

    private void leave(Fellowship f) {
        workers.execute(() -> {
            try {
                f.leave();
            } catch (FellowshipException e) {
                LOG.info("Could not leave fellowship {}: {}", f.id(), e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        events.shutdownNow();
        for (SubmittedJob s : submitted.values()) {
            s.close();
        }
        for (MemberPart p : parts.values()) {
            p.close();
        }
        parts.clear();
        workers.shutdownNow();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                for (Path child : children) {
                    deleteTree(child);
                }
            }
        }
        Files.deleteIfExists(dir);
    }
}
