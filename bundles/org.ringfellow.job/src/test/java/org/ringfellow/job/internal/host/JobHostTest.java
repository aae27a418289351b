package org.ringfellow.job.internal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.job.JobException;
import org.ringfellow.api.job.JobView;
import org.ringfellow.api.node.Resources;
import org.ringfellow.container.image.FileImageStore;
import org.ringfellow.container.internal.ContainerManagerImpl;
import org.ringfellow.container.tck.InMemoryNode;
import org.ringfellow.job.internal.store.JobStore;
import org.ringfellow.job.internal.store.StoredJob;

/**
 * The job host's bad input and its too-small Ring, without containers: a missing or invalid job file is refused
 * naming the problem and keeps nothing; a job whose fellowship cannot be recruited fails with the fellowship's
 * reason, is kept as failed across a restart, and cannot be cancelled; a bad job id is refused.
 */
class JobHostTest {

    @TempDir
    Path dir;

    /** A Ring too small for any job: every founding fails, as the fellowship service reports it. */
    private static final class TooSmallRing implements FellowshipService {
        final List<FellowshipSpec> asked = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Fellowship> create(FellowshipSpec spec) {
            asked.add(spec);
            return CompletableFuture.failedFuture(new FellowshipException("fellowship " + spec.id()
                    + ": only 1 of " + spec.targetSize() + " members (no other candidate)"));
        }

        @Override
        public List<Fellowship> list() {
            return List.of();
        }

        @Override
        public Optional<Fellowship> get(FellowshipId id) {
            return Optional.empty();
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

    private JobHost host(InMemoryNode node, InMemoryNode.Store store, FellowshipService fellowships)
            throws Exception {
        FileImageStore images = new FileImageStore(dir.resolve("images"), Path.of("/bin/busybox"));
        JobHost host = new JobHost(node, store, fellowships, ContainerManagerImpl.create(node, store, images, ""),
                images, new JobsConfig(2, 8, Optional.of(dir.resolve("jobs")), Duration.ofMillis(100),
                        Duration.ofSeconds(5), Duration.ofMillis(100)));
        host.start();
        return host;
    }

    @Test
    void badInputIsRefusedAndATooSmallRingFailsTheJobForGood() throws Exception {
        InMemoryNode node = new InMemoryNode(dir.resolve("node"), InMemoryNode.randomId());
        InMemoryNode.Store store = new InMemoryNode.Store();
        TooSmallRing ring = new TooSmallRing();
        String id;
        try (JobHost host = host(node, store, ring)) {
            JobException missing = assertThrows(JobException.class, () -> host.submit(dir.resolve("none.yaml")));
            assertTrue(missing.getMessage().contains("is not a regular file"), missing.getMessage());
            Path bad = Files.writeString(dir.resolve("bad.yaml"), "name: squares\nimage: base\ncommand: [sh]\n"
                    + "members: 0\ninputs:\n  lines: [\"1\"]\n");
            JobException invalid = assertThrows(JobException.class, () -> host.submit(bad));
            assertTrue(invalid.getMessage().contains("members"), invalid.getMessage());
            assertEquals(List.of(), host.list(), "a refused file keeps nothing");
            JobException notAnId = assertThrows(JobException.class, () -> host.tasks("../etc"));
            assertTrue(notAnId.getMessage().contains("'../etc' is not a job id"), notAnId.getMessage());

            Path good = Files.writeString(dir.resolve("squares.yaml"), "name: squares\nimage: base\n"
                    + "command: [sh, -c, 'read n; echo $((n*n))']\nmembers: 3\ninputs:\n  lines: [\"1\", \"2\"]\n");
            JobView v = host.submit(good);
            id = v.id();
            assertEquals(2, v.tasks());
            long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!host.status(id).orElseThrow().ended() && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            JobView failed = host.status(id).orElseThrow();
            assertEquals("FAILED", failed.phase());
            assertTrue(failed.detail().orElseThrow().contains("could not be recruited: fellowship job." + id
                    + ".r1: only 1 of 3 members"), failed.detail().toString());
            assertEquals(1, ring.asked.size());
            FellowshipSpec asked = ring.asked.get(0);
            assertEquals(3, asked.targetSize());
            assertEquals(new Resources(1000, 256L << 20, 256L << 20), asked.reservation());
            JobException ended = assertThrows(JobException.class, () -> host.cancel(id));
            assertTrue(ended.getMessage().contains("has ended (FAILED)"), ended.getMessage());
        }
        assertEquals(StoredJob.State.FAILED, new JobStore(store).job(id).orElseThrow().state());
        try (JobHost again = host(node, store, ring)) {
            assertEquals("FAILED", again.status(id).orElseThrow().phase(), "kept across a restart");
            assertEquals(1, ring.asked.size(), "a failed job is not recruited again");
        }
    }
}
