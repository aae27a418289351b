package org.ringfellow.job.internal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.fellowship.FellowshipMessage;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.fellowship.Roster;
import org.ringfellow.api.job.JobException;
import org.ringfellow.api.job.JobView;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.runc.internal.RuncDriver;
import org.ringfellow.container.runc.internal.RuncOptions;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.job.internal.store.FileNodeStore;

/**
 * The submitter's collected results on a real engine (runc, the base image) and a real node store (an MVStore file
 * closed and reopened): a job of one member (the submitter) whose first task ends at once and whose second runs
 * until its deadline. The first task's result is collected as soon as it is validated, while the job still runs; the
 * node stops, and a node started again on the same store and data directory still has it ({@code job:results}
 * writes it, right). A job naming an image the node does not have is refused at submit, naming the image and how
 * to import it, and nothing is kept. Skipped where runc is not healthy.
 */
class JobHostRestartTest {

    @TempDir
    Path dir;

    private String nodeId;
    private RuncDriver runc;
    private FileImageStore images;

    /** A fellowship service whose every fellowship is this node alone (its coordinator). */
    private static final class Alone implements FellowshipService {
        private final NodeId self;
        private final Map<FellowshipId, Fellowship> made = new ConcurrentHashMap<>();

        Alone(NodeId self) {
            this.self = self;
        }

        @Override
        public CompletionStage<Fellowship> create(FellowshipSpec spec) {
            Fellowship f = new Fellowship() {
                @Override
                public FellowshipId id() {
                    return spec.id();
                }

                @Override
                public FellowshipSpec spec() {
                    return spec;
                }

                @Override
                public Roster roster() {
                    return new Roster(spec.id(), 1, 1, self, List.of(new FellowshipMember(self, "", null)));
                }

                @Override
                public boolean isCoordinator() {
                    return true;
                }

                @Override
                public void send(NodeId to, String topic, byte[] payload) {
                }

                @Override
                public void broadcast(String topic, byte[] payload) {
                }

                @Override
                public CompletionStage<FellowshipMessage> request(NodeId to, String topic, byte[] payload,
                        Duration timeout) {
                    return CompletableFuture.failedFuture(new IllegalStateException("no other member"));
                }

                @Override
                public void reply(FellowshipMessage request, byte[] payload) {
                }

                @Override
                public AutoCloseable subscribe(FellowshipListener listener) {
                    return () -> { };
                }

                @Override
                public void leave() {
                    made.remove(spec.id());
                }

                @Override
                public void resize(int targetSize) {
                }

                @Override
                public void dissolve() {
                    made.remove(spec.id());
                }
            };
            made.put(spec.id(), f);
            return CompletableFuture.completedFuture(f);
        }

        @Override
        public List<Fellowship> list() {
            return List.copyOf(made.values());
        }

        @Override
        public Optional<Fellowship> get(FellowshipId id) {
            return Optional.ofNullable(made.get(id));
        }

        @Override
        public AdmissionPolicy policy() {
            return null;
        }

        @Override
        public Map<FellowshipId, Resources> reservations() {
            return Map.of();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        nodeId = InMemoryNode.randomId();
        images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        runc = RuncDriver.create(RuncOptions.defaults(dir.resolve("runc")), images, nodeId);
        assumeTrue(runc.fingerprint().health() == Health.HEALTHY, runc.fingerprint().reason());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runc != null) {
            for (String cid : runc.listOwned(nodeId)) {
                runc.destroy(new ContainerHandle(cid, "runc", Instant.now(), Map.of()));
            }
        }
    }

    private JobHost host(InMemoryNode node, FileNodeStore store) throws Exception {
        // the container manager keeps its own records apart: the job store is what is reopened here
        ContainerManagerImpl manager = ContainerManagerImpl.create(node, new InMemoryNode.Store(), images, "");
        manager.bindDriver(runc, Map.of(ContainerDriver.TYPE_PROPERTY, runc.type()));
        JobHost host = new JobHost(node, store, new Alone(node.identity().id()), manager, images,
                new JobsConfig(2, 8, Optional.of(dir.resolve("jobs")), Duration.ofMillis(100), Duration.ofSeconds(5),
                        Duration.ofMillis(100)));
        host.start();
        return host;
    }

    private static boolean poll(BooleanSupplier check) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void aResultIsCollectedOnceValidatedAndOutlivesARestart() throws Exception {
        InMemoryNode node = new InMemoryNode(dir.resolve("node"), nodeId);
        Path file = Files.writeString(dir.resolve("squares.yaml"), "name: squares\nimage: base\n"
                + "command: [sh, -c, 'read n; if [ $n = 2 ]; then sleep 600; fi; echo $((n*n))']\n"
                + "members: 1\nslotsPerMember: 2\ndeadlineSeconds: 600\nreplication: {minQuorum: 1}\n"
                + "resources: {cpus: 200m, memory: 64m, disk: 16m}\ninputs:\n  lines: [\"7\", \"2\"]\n");
        String id;
        try (FileNodeStore store = new FileNodeStore(dir.resolve("node.mv")); JobHost host = host(node, store)) {
            id = host.submit(file).id();
            assertTrue(poll(() -> host.status(id).orElseThrow().collected() == 1),
                    "task 0 collected while the job runs: " + host.status(id));
            JobView running = host.status(id).orElseThrow();
            assertEquals("RUNNING", running.phase(), "the job has not ended: task 1 sleeps");
            assertEquals(1, running.progress().validated());
        }
        try (FileNodeStore store = new FileNodeStore(dir.resolve("node.mv")); JobHost again = host(node, store)) {
            JobView resumed = again.status(id).orElseThrow();
            assertEquals(1, resumed.collected(), "the collected result is kept across the restart");
            Path out = dir.resolve("out");
            assertEquals(1, again.results(id, out));
            assertEquals("49\n", Files.readString(out.resolve("0").resolve("stdout"), StandardCharsets.UTF_8));
            assertFalse(Files.exists(out.resolve("1")), "task 1 is not validated");
            List<String> index = Files.readAllLines(out.resolve("index.tsv"));
            assertTrue(index.get(1).startsWith("0\tVALID\t0\t"), index.toString());
            again.cancel(id);
            // task 1 sleeps on: its container is ended here, and its runner removes its directory
            for (String cid : runc.listOwned(nodeId)) {
                runc.destroy(new ContainerHandle(cid, "runc", Instant.now(), Map.of()));
            }
            assertTrue(poll(() -> {
                try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("jobs").resolve("work"))) {
                    return left.findAny().isEmpty();
                } catch (java.io.IOException e) {
                    return false;
                }
            }), "no task directory left");
        }
    }

    @Test
    void aJobWhoseImageIsMissingIsRefusedAtSubmitAndNothingIsKept() throws Exception {
        InMemoryNode node = new InMemoryNode(dir.resolve("node"), nodeId);
        Path file = Files.writeString(dir.resolve("other.yaml"), "name: other\nimage: render-tools\n"
                + "command: [cat]\nmembers: 1\nreplication: {minQuorum: 1}\ninputs:\n  lines: [\"1\"]\n");
        try (FileNodeStore store = new FileNodeStore(dir.resolve("node.mv")); JobHost host = host(node, store)) {
            JobException e = assertThrows(JobException.class, () -> host.submit(file));
            assertEquals("job other: image render-tools is not in this node's image store; import it here and on "
                    + "the members with image:import render-tools <rootfs.tar> (image:list shows the images), or use "
                    + "the base image", e.getMessage());
            assertEquals(List.of(), host.list(), "a refused job keeps nothing");
        }
    }
}
