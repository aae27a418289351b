package org.ringfellow.container.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.ringfellow.api.container.Capability;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ContainerStats;
import org.ringfellow.api.container.ContainerStatus;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.ExecResult;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.LogChunk;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.NetworkMode;
import org.ringfellow.api.node.NodeService;

/**
 * The Docker driver, on the Engine API through docker-java (embedded in this bundle, never
 * exported). dockerd keeps every container, so containers outlive this driver, its bundle and
 * the node's JVM without anything on our side; each carries the owner node's id as the
 * {@value ContainerDriver#OWNER_LABEL} label and its Ringfellow id as {@value #ID_LABEL}, which
 * is all {@link #recover} and {@link #listOwned} need.
 *
 * <p>Images come from the node's image store: the root file system archive is imported once
 * into dockerd as {@code ringfellow/image:<sha256 hex>}, no registry involved. Containers run
 * with Docker's init (tini) as PID 1 so a stop is prompt, no network, a read-only root, all
 * capabilities dropped, no new privileges, an unprivileged user, and the spec's cgroup limits.
 */
@Component(service = ContainerDriver.class, configurationPid = DockerDriver.PID,
        property = ContainerDriver.TYPE_PROPERTY + "=" + DockerDriver.TYPE)
@Designate(ocd = DockerDriver.Config.class)
public final class DockerDriver implements ContainerDriver {

    /** The driver type. */
    public static final String TYPE = "docker";
    /** The configuration PID. */
    public static final String PID = "org.ringfellow.container.docker";
    /** The label holding a container's Ringfellow id (its spec name). */
    public static final String ID_LABEL = "org.ringfellow.container";
    /** The repository imported images are tagged in; the tag is the image's SHA-256. */
    public static final String IMAGE_REPO = "ringfellow/image";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final int MAX_EXEC_OUTPUT = 64 * 1024;
    private static final String NEVER = "0001-01-01T00:00:00Z";

    /** The driver's configuration. */
    @ObjectClassDefinition(name = "Ringfellow Docker driver",
            description = "Runs containers on a Docker engine through its Engine API.")
    public @interface Config {
        /**
         * The Engine API endpoint.
         *
         * @return a unix socket or TCP address; empty for DOCKER_HOST or the default socket
         */
        @AttributeDefinition(description = "Engine API endpoint: unix:///var/run/docker.sock or tcp://host:2375; "
                + "empty for $DOCKER_HOST, else unix:///var/run/docker.sock")
        String endpoint() default "";

        /**
         * The Engine API version.
         *
         * @return a version such as 1.41
         */
        @AttributeDefinition(description = "Engine API version to speak (Debian's dockerd 20.10 speaks 1.41)")
        String apiVersion() default "1.41";

        /**
         * The user containers run as.
         *
         * @return uid:gid, or empty for the image's default user
         */
        @AttributeDefinition(description = "uid:gid containers run as; empty for the image's default (root)")
        String user() default "65534:65534";

        /**
         * The longest an Engine API call may take.
         *
         * @return seconds
         */
        @AttributeDefinition(description = "Longest an Engine API call may take, in seconds")
        int timeoutSeconds() default 60;
    }

    private final DockerOptions options;
    private final ImageStore images;
    private final String nodeId;
    private final DockerClient client;
    private final DockerClient probe;
    private final List<Closeable> closeables = new ArrayList<>();
    private DockerHttpClient http;
    private final Set<String> imported = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> importLocks = new ConcurrentHashMap<>();

    /**
     * Activates the driver.
     *
     * @param node the local node
     * @param images the image store
     * @param config the configuration
     */
    @Activate
    public DockerDriver(@Reference NodeService node, @Reference ImageStore images, Config config) {
        this(new DockerOptions(DockerOptions.endpoint(config.endpoint()), config.apiVersion(), config.user(),
                Duration.ofSeconds(Math.max(1, config.timeoutSeconds()))), images, node.identity().id().hex());
    }

    /**
     * Creates a driver outside OSGi (tests, benchmarks).
     *
     * @param options the settings
     * @param images the image store
     * @param nodeId the hex id of the owning node
     */
    public DockerDriver(DockerOptions options, ImageStore images, String nodeId) {
        this.options = options;
        this.images = images;
        this.nodeId = nodeId;
        this.client = client(options.timeout());
        // the fingerprint must be quick even when dockerd hangs
        this.probe = client(Duration.ofSeconds(3));
    }

    private DockerClient client(Duration timeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(options.endpoint().toString())
                .withApiVersion(options.apiVersion())
                .withDockerTlsVerify(false)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(3))
                .responseTimeout(timeout)
                .build();
        closeables.add(http);
        if (this.http == null) {
            this.http = http;
        }
        return DockerClientImpl.getInstance(config, http);
    }

    /** Closes the connections to dockerd; its containers keep running. */
    @Deactivate
    public void close() {
        for (Closeable c : closeables) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing left to do with a connection that does not close
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        // SECCOMP: dockerd's default profile, which the driver never turns off (it refuses
        // unshare, setns and clone with namespace flags to a process without CAP_SYS_ADMIN)
        Set<Capability> caps = EnumSet.of(Capability.EXEC, Capability.STATS, Capability.OOM_DETECTION,
                Capability.CPU_LIMIT, Capability.MEMORY_LIMIT, Capability.PIDS_LIMIT, Capability.READ_ONLY_ROOT,
                Capability.RECOVER, Capability.SECCOMP);
        if (options.nonRootUser()) {
            caps.add(Capability.USER_NAMESPACE);
        }
        return caps;
    }

    @Override
    public Fingerprint fingerprint() {
        Map<String, String> attrs = new HashMap<>();
        attrs.put("endpoint", options.endpoint().toString());
        attrs.put("apiVersion", options.apiVersion());
        attrs.put("user", options.user().isEmpty() ? "image default" : options.user());
        if (options.local()) {
            Path socket = Path.of(options.endpoint().getPath());
            if (!Files.exists(socket)) {
                boolean installed = onPath("dockerd");
                return new Fingerprint(installed ? Health.UNHEALTHY : Health.UNDETECTED, "", installed
                        ? "dockerd is not running: no socket at " + socket
                        : "Docker is not installed (no dockerd, no socket at " + socket
                                + "); install it with apt-get install docker.io", attrs);
            }
        }
        try {
            probe.pingCmd().exec();
            Version v = probe.versionCmd().exec();
            attrs.put("engineApiVersion", String.valueOf(v.getApiVersion()));
            Info info = probe.infoCmd().exec();
            attrs.put("storageDriver", String.valueOf(info.getDriver()));
            String version = v.getVersion() == null ? "" : v.getVersion();
            if (version.isEmpty()) {
                return new Fingerprint(Health.UNHEALTHY, "", "dockerd at " + options.endpoint()
                        + " did not tell its version", attrs);
            }
            return new Fingerprint(Health.HEALTHY, version, "", attrs);
        } catch (RuntimeException e) {
            return new Fingerprint(Health.UNHEALTHY, "", "dockerd does not answer at " + options.endpoint() + ": "
                    + message(e), attrs);
        }
    }

    @Override
    public ContainerHandle start(ContainerSpec spec) throws DriverException {
        if (spec.network() != NetworkMode.NONE) {
            throw new DriverException(Kind.INVALID_SPEC, "the docker driver gives containers no network; "
                    + "use network none (asked: " + spec.network() + ")");
        }
        if (options.local()) {
            for (Mount m : spec.mounts()) {
                if (m.type() == Mount.Type.BIND && !Files.exists(Path.of(m.source()))) {
                    throw new DriverException(Kind.INVALID_SPEC, "bind mount source does not exist: " + m.source());
                }
            }
        }
        if (images.find(spec.image()).isEmpty()) {
            throw new DriverException(Kind.INVALID_SPEC, "image " + spec.image() + " is not in the node's image store");
        }
        String image = ensureImage(spec.image());
        String containerId;
        try {
            containerId = create(spec, image);
        } catch (NotFoundException e) {
            // someone removed the imported image from dockerd: import it again, once
            imported.remove(spec.image());
            image = ensureImage(spec.image());
            try {
                containerId = create(spec, image);
            } catch (RuntimeException again) {
                throw failure("cannot create container " + spec.name(), again);
            }
        } catch (ConflictException e) {
            throw new DriverException(Kind.INVALID_SPEC, "a docker container named " + spec.name()
                    + " already exists on this node", e);
        } catch (RuntimeException e) {
            throw failure("cannot create container " + spec.name(), e);
        }
        try {
            client.startContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            removeQuietly(containerId);
            throw failure("cannot start container " + spec.name(), e);
        }
        Map<String, String> state = new HashMap<>();
        state.put("containerId", containerId);
        state.put("name", dockerName(spec.name()));
        state.put("endpoint", options.endpoint().toString());
        return new ContainerHandle(spec.name(), TYPE, Instant.now(), state);
    }

    private String create(ContainerSpec spec, String image) {
        DockerConfig config = DockerConfig.of(spec, image, nodeId, options);
        return config.applyTo(client.createContainerCmd(image)).exec().getId();
    }

    /** Imports an image's archive into dockerd once, tagged by its digest; returns the reference. */
    private String ensureImage(String digest) throws DriverException {
        String ref = IMAGE_REPO + ":" + digest.substring("sha256:".length());
        if (imported.contains(digest)) {
            return ref;
        }
        synchronized (importLocks.computeIfAbsent(digest, d -> new Object())) {
            if (imported.contains(digest)) {
                return ref;
            }
            try {
                client.inspectImageCmd(ref).exec();
            } catch (NotFoundException e) {
                importArchive(digest, images.archive(digest));
            } catch (RuntimeException e) {
                throw failure("cannot look up image " + digest + " in dockerd", e);
            }
            imported.add(digest);
            return ref;
        }
    }

    /**
     * Imports a root file system archive as an image, like {@code docker import}. docker-java's
     * CreateImageCmd would send the archive JSON-encoded (docker-java issue 2377), so the request
     * goes through docker-java's transport as it is.
     */
    private void importArchive(String digest, Path archive) throws DriverException {
        String hex = digest.substring("sha256:".length());
        DockerHttpClient.Request request = new DockerHttpClient.Request.Builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path("/v" + options.apiVersion() + "/images/create?fromSrc=-&repo="
                        + IMAGE_REPO.replace("/", "%2F") + "&tag=" + hex)
                .putHeader("Content-Type", "application/x-tar")
                .body(openQuietly(archive))
                .build();
        String body;
        int status;
        try (DockerHttpClient.Response response = http.execute(request)) {
            status = response.getStatusCode();
            body = new String(response.getBody().readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw failure("cannot import image " + digest + " into dockerd", e);
        } finally {
            try {
                request.body().close();
            } catch (IOException | RuntimeException e) {
                // the archive was only read
            }
        }
        // the answer is a stream of JSON progress messages; a failure is one with "error"
        if (status / 100 != 2 || body.contains("\"errorDetail\"") || body.contains("\"error\"")) {
            throw new DriverException(Kind.FAILED, "dockerd refused to import image " + digest + " (HTTP " + status
                    + "): " + (body.length() > 1000 ? body.substring(0, 1000) : body));
        }
        try {
            client.inspectImageCmd(IMAGE_REPO + ":" + hex).exec();
        } catch (RuntimeException e) {
            throw failure("dockerd did not keep the imported image " + digest, e);
        }
    }

    private static InputStream openQuietly(Path archive) throws DriverException {
        try {
            return Files.newInputStream(archive);
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot read the image archive " + archive + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Removes an image this driver imported into dockerd, unless a container still uses it.
     *
     * @param digest the image digest
     * @return true if it was removed
     * @throws DriverException if dockerd fails
     */
    public boolean removeImage(String digest) throws DriverException {
        String ref = IMAGE_REPO + ":" + digest.substring("sha256:".length());
        imported.remove(digest);
        try {
            client.removeImageCmd(ref).withForce(false).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw failure("cannot remove image " + ref, e);
        }
    }

    private Optional<InspectContainerResponse> find(ContainerHandle handle) throws DriverException {
        checkId(handle.id());
        String ref = handle.driverState().getOrDefault("containerId", dockerName(handle.id()));
        try {
            InspectContainerResponse r = client.inspectContainerCmd(ref).exec();
            Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null ? Map.of()
                    : r.getConfig().getLabels();
            if (!handle.id().equals(labels.get(ID_LABEL))) {
                // a name taken by something else is not our container
                return Optional.empty();
            }
            return Optional.of(r);
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw failure("cannot inspect container " + handle.id(), e);
        }
    }

    private InspectContainerResponse require(ContainerHandle handle) throws DriverException {
        return find(handle).orElseThrow(() -> new DriverException(Kind.NOT_FOUND, "no docker container "
                + handle.id()));
    }

    @Override
    public Optional<ExitStatus> waitFor(ContainerHandle handle, Duration timeout)
            throws DriverException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 2;
        while (true) {
            InspectContainerResponse r = require(handle);
            Optional<ExitStatus> exit = exit(r);
            if (exit.isPresent()) {
                return exit;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            pause = Math.min(50, pause * 2);
        }
    }

    private static Optional<ExitStatus> exit(InspectContainerResponse r) {
        InspectContainerResponse.ContainerState s = r.getState();
        String status = s == null || s.getStatus() == null ? "" : s.getStatus();
        if (!status.equals("exited") && !status.equals("dead")) {
            return Optional.empty();
        }
        int code = s.getExitCodeLong() == null ? 255 : s.getExitCodeLong().intValue();
        int signal = code > 128 && code < 128 + 65 ? code - 128 : 0;
        boolean oom = Boolean.TRUE.equals(s.getOOMKilled());
        return Optional.of(new ExitStatus(code, signal, oom, instant(s.getFinishedAt())));
    }

    private static Instant instant(String text) {
        if (text == null || text.isEmpty() || text.startsWith(NEVER.substring(0, 10))) {
            return Instant.now();
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }

    private static boolean running(InspectContainerResponse r) {
        return r.getState() != null && Boolean.TRUE.equals(r.getState().getRunning());
    }

    private static long pid(InspectContainerResponse r) {
        Long pid = r.getState() == null ? null : r.getState().getPidLong();
        return pid == null ? 0 : pid;
    }

    @Override
    public void stop(ContainerHandle handle, Duration grace) throws DriverException {
        InspectContainerResponse r = require(handle);
        if (!running(r)) {
            return;
        }
        if (options.local()) {
            awaitSignalsHandled(pid(r));
        }
        // the Engine API counts the grace in whole seconds
        int seconds = (int) Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000);
        try {
            // dockerd answers once the container has stopped (SIGKILL after the grace included)
            client.stopContainerCmd(r.getId()).withTimeout(seconds).exec();
            return;
        } catch (NotModifiedException e) {
            // stopped meanwhile; make sure of it below
        } catch (NotFoundException e) {
            throw new DriverException(Kind.NOT_FOUND, "no docker container " + handle.id(), e);
        } catch (RuntimeException e) {
            throw failure("cannot stop container " + handle.id(), e);
        }
        try {
            if (waitFor(handle, Duration.ofSeconds(30)).isEmpty()) {
                throw new DriverException(Kind.FAILED, "container " + handle.id() + " did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(Kind.FAILED, "interrupted while stopping " + handle.id(), e);
        }
    }

    /**
     * Docker's init drops a SIGTERM that arrives before it has blocked its signals, and the stop
     * would then wait out its whole grace period. Waits, briefly and boundedly, until the init has
     * started the workload, which it does after blocking them.
     */
    private static void awaitSignalsHandled(long pid) {
        if (pid <= 0) {
            return;
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!HostCgroups.hasChild(pid) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void destroy(ContainerHandle handle) throws DriverException {
        checkId(handle.id());
        // an engine id from start or recover names this container and no other; a bare id is
        // looked up by name, and its labels checked, first
        String engineId = handle.driverState().get("containerId");
        if (engineId == null) {
            Optional<InspectContainerResponse> r = find(handle);
            if (r.isEmpty()) {
                return;
            }
            engineId = r.get().getId();
        }
        try {
            // dockerd answers once the container is removed
            client.removeContainerCmd(engineId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            throw failure("cannot remove container " + handle.id(), e);
        }
    }

    private void removeQuietly(String containerId) {
        try {
            client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (RuntimeException e) {
            // the start failed already; listOwned shows what could not be removed
        }
    }

    @Override
    public ContainerStatus inspect(ContainerHandle handle) throws DriverException {
        Optional<InspectContainerResponse> found = find(handle);
        if (found.isEmpty()) {
            return new ContainerStatus(ContainerState.GONE, 0, Optional.empty());
        }
        InspectContainerResponse r = found.get();
        Optional<ExitStatus> exit = exit(r);
        if (exit.isPresent()) {
            return new ContainerStatus(ContainerState.EXITED, 0, exit);
        }
        if (running(r)) {
            return new ContainerStatus(ContainerState.RUNNING, pid(r), Optional.empty());
        }
        return new ContainerStatus(ContainerState.CREATED, 0, Optional.empty());
    }

    @Override
    public ContainerStats stats(ContainerHandle handle) throws DriverException {
        InspectContainerResponse r = require(handle);
        if (!running(r)) {
            throw new DriverException(Kind.FAILED, "container " + handle.id() + " does not run");
        }
        if (options.local()) {
            Optional<ContainerStats> s = HostCgroups.stats(pid(r));
            if (s.isPresent()) {
                return s.get();
            }
        }
        // a remote engine: its stats endpoint (about a second, it samples the CPU twice)
        try (StatsCallback cb = client.statsCmd(r.getId()).withNoStream(true).exec(new StatsCallback())) {
            Statistics s = cb.first(options.timeout());
            long cpu = s.getCpuStats() != null && s.getCpuStats().getCpuUsage() != null
                    && s.getCpuStats().getCpuUsage().getTotalUsage() != null
                    ? s.getCpuStats().getCpuUsage().getTotalUsage() : 0;
            long mem = s.getMemoryStats() != null && s.getMemoryStats().getUsage() != null
                    ? s.getMemoryStats().getUsage() : 0;
            long limit = s.getMemoryStats() != null && s.getMemoryStats().getLimit() != null
                    ? s.getMemoryStats().getLimit() : 0;
            long pids = s.getPidsStats() != null && s.getPidsStats().getCurrent() != null
                    ? s.getPidsStats().getCurrent() : 0;
            return new ContainerStats(cpu, mem, limit, (int) pids, Instant.now());
        } catch (IOException | RuntimeException e) {
            throw failure("cannot read the stats of " + handle.id(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(Kind.FAILED, "interrupted while reading the stats of " + handle.id(), e);
        }
    }

    private static final class StatsCallback extends ResultCallback.Adapter<Statistics> {
        private volatile Statistics first;

        @Override
        public void onNext(Statistics s) {
            if (first == null) {
                first = s;
            }
        }

        Statistics first(Duration timeout) throws InterruptedException {
            awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                throw new IllegalStateException("dockerd sent no stats");
            }
            return first;
        }
    }

    @Override
    public ExecResult exec(ContainerHandle handle, List<String> command, Duration timeout) throws DriverException {
        if (command.isEmpty() || command.size() > ContainerSpec.MAX_ARGS) {
            throw new DriverException(Kind.INVALID_SPEC, "exec needs 1.." + ContainerSpec.MAX_ARGS + " arguments");
        }
        InspectContainerResponse r = require(handle);
        if (!running(r)) {
            throw new DriverException(Kind.FAILED, "container " + handle.id() + " does not run");
        }
        String execId;
        try {
            ExecCreateCmdResponse created = client.execCreateCmd(r.getId()).withCmd(command.toArray(new String[0]))
                    .withAttachStdout(true).withAttachStderr(true).exec();
            execId = created.getId();
        } catch (RuntimeException e) {
            throw failure("cannot exec in " + handle.id(), e);
        }
        ExecOutput out = new ExecOutput();
        try {
            client.execStartCmd(execId).exec(out);
            if (!out.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killExec(execId);
                out.close();
                return new ExecResult(-1, out.stdout(), out.stderr());
            }
            // the stream ends a moment before dockerd records the exit code
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                InspectExecResponse e = client.inspectExecCmd(execId).exec();
                if (!Boolean.TRUE.equals(e.isRunning()) && e.getExitCodeLong() != null) {
                    return new ExecResult(e.getExitCodeLong().intValue(), out.stdout(), out.stderr());
                }
                if (System.nanoTime() > deadline) {
                    return new ExecResult(-1, out.stdout(), out.stderr());
                }
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killExec(execId);
            throw new DriverException(Kind.FAILED, "interrupted during exec in " + handle.id(), e);
        } catch (IOException | RuntimeException e) {
            throw failure("exec in " + handle.id() + " failed", e);
        }
    }

    /** The Engine API cannot kill an exec; on the same host its process is ours to kill. */
    private void killExec(String execId) {
        try {
            InspectExecResponse e = client.inspectExecCmd(execId).exec();
            Long pid = e.getPidLong();
            if (options.local() && pid != null && pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (RuntimeException e) {
            // the exec may have ended meanwhile
        }
    }

    private static final class ExecOutput extends ResultCallback.Adapter<Frame> {
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        @Override
        public void onNext(Frame frame) {
            ByteArrayOutputStream target = frame.getStreamType() == StreamType.STDERR ? stderr : stdout;
            synchronized (this) {
                int room = MAX_EXEC_OUTPUT - target.size();
                if (room > 0) {
                    target.write(frame.getPayload(), 0, Math.min(room, frame.getPayload().length));
                }
            }
        }

        synchronized String stdout() {
            return stdout.toString(StandardCharsets.UTF_8);
        }

        synchronized String stderr() {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public LogChunk logs(ContainerHandle handle, long fromOffset, int maxBytes) throws DriverException {
        if (fromOffset < 0 || maxBytes < 1 || maxBytes > 1024 * 1024) {
            throw new DriverException(Kind.INVALID_SPEC, "logs need an offset >= 0 and 1..1048576 bytes");
        }
        InspectContainerResponse r = require(handle);
        // the Engine API has no byte offsets: read from the start, skip to the offset, stop once enough
        LogReader reader = new LogReader(fromOffset, maxBytes);
        try {
            client.logContainerCmd(r.getId()).withStdOut(true).withStdErr(true).withFollowStream(false)
                    .exec(reader).awaitCompletion(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (NotFoundException e) {
            throw new DriverException(Kind.NOT_FOUND, "no docker container " + handle.id(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(Kind.FAILED, "interrupted while reading the output of " + handle.id(), e);
        } catch (RuntimeException e) {
            throw failure("cannot read the output of " + handle.id(), e);
        } finally {
            try {
                reader.close();
            } catch (IOException e) {
                // a log stream that does not close has nothing more to give
            }
        }
        byte[] bytes = reader.bytes();
        return new LogChunk(new String(bytes, StandardCharsets.UTF_8), fromOffset + bytes.length, false);
    }

    private static final class LogReader extends ResultCallback.Adapter<Frame> {
        private final long from;
        private final int max;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long seen;

        LogReader(long from, int max) {
            this.from = from;
            this.max = max;
        }

        @Override
        public synchronized void onNext(Frame frame) {
            byte[] p = frame.getPayload();
            long start = seen;
            seen += p.length;
            if (seen <= from || out.size() >= max) {
                return;
            }
            int skip = (int) Math.max(0, from - start);
            out.write(p, skip, Math.min(p.length - skip, max - out.size()));
            if (out.size() >= max) {
                try {
                    close();
                } catch (IOException e) {
                    // enough read; the stream ends anyway
                }
            }
        }

        synchronized byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Override
    public ContainerHandle recover(ContainerHandle handle) throws DriverException {
        checkId(handle.id());
        // a handle from another endpoint or an old container id: look it up by its name
        Optional<InspectContainerResponse> r = find(handle);
        if (r.isEmpty() && handle.driverState().containsKey("containerId")) {
            Map<String, String> byName = new HashMap<>(handle.driverState());
            byName.remove("containerId");
            r = find(new ContainerHandle(handle.id(), TYPE, handle.startedAt(), byName));
        }
        if (r.isEmpty()) {
            throw new DriverException(Kind.NOT_FOUND, "docker container " + handle.id() + " is gone");
        }
        Map<String, String> labels = r.get().getConfig().getLabels();
        if (!nodeId.equals(labels.get(OWNER_LABEL))) {
            throw new DriverException(Kind.NOT_FOUND, "docker container " + handle.id() + " belongs to another node");
        }
        Map<String, String> state = new HashMap<>(handle.driverState());
        state.put("containerId", r.get().getId());
        state.put("name", dockerName(handle.id()));
        state.put("endpoint", options.endpoint().toString());
        return new ContainerHandle(handle.id(), TYPE, handle.startedAt(), state);
    }

    @Override
    public List<String> listOwned(String ownerNodeId) throws DriverException {
        try {
            List<Container> all = client.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(OWNER_LABEL, ownerNodeId)).exec();
            TreeSet<String> out = new TreeSet<>();
            for (Container c : all) {
                String id = c.getLabels() == null ? null : c.getLabels().get(ID_LABEL);
                if (id != null && ID.matcher(id).matches()) {
                    out.add(id);
                }
            }
            return List.copyOf(out);
        } catch (RuntimeException e) {
            throw failure("cannot list the docker containers", e);
        }
    }

    /** The container's name in dockerd: the node's prefix keeps two nodes on one engine apart. */
    String dockerName(String id) {
        return DockerConfig.dockerName(nodeId, id);
    }

    private static void checkId(String id) throws DriverException {
        if (id == null || !ID.matcher(id).matches()) {
            throw new DriverException(Kind.NOT_FOUND, "not a container id: '" + id + "'");
        }
    }

    /** An Engine API error is the engine's failure; anything else means dockerd is not reachable. */
    private DriverException failure(String what, Throwable e) {
        if (e instanceof DockerException de) {
            Kind kind = de.getHttpStatus() == 400 ? Kind.INVALID_SPEC : Kind.FAILED;
            return new DriverException(kind, what + ": " + message(e), e);
        }
        if (e instanceof IOException) {
            return new DriverException(Kind.FAILED, what + ": " + message(e), e);
        }
        return new DriverException(Kind.ENGINE_UNAVAILABLE, what + ": dockerd at " + options.endpoint()
                + " does not answer: " + message(e), e);
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().trim();
        return m.length() > 1000 ? m.substring(0, 1000) + "..." : m;
    }

    private static boolean onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin";
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return false;
    }
}
