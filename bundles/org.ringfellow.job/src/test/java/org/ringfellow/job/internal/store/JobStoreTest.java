package org.ringfellow.job.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.quorum.Agreement;
import org.ringfellow.job.internal.quorum.JobEvent;
import org.ringfellow.job.internal.quorum.Lease;
import org.ringfellow.job.internal.quorum.Outcome;
import org.ringfellow.job.internal.quorum.TaskStatus;
import org.ringfellow.job.internal.quorum.WorkScheduler;
import org.ringfellow.job.internal.quorum.WorkScheduler.ReportStatus;

class JobStoreTest {

    @TempDir
    Path dir;

    private final JobFileReader reader = new JobFileReader();

    private static String lines(int n) {
        StringBuilder yaml = new StringBuilder("name: squares\nimage: base\ncommand: [sh, -c, 'read n; echo $((n*n))']\n"
                + "inputs:\n  lines:\n");
        for (int k = 0; k < n; k++) {
            yaml.append("    - \"").append(k).append("\"\n");
        }
        return yaml.toString();
    }

    private JobSpec parse(String content) throws Exception {
        return reader.parse(content.getBytes(StandardCharsets.UTF_8), true, dir);
    }

    @Test
    void aRestartedSubmitterResumesItsJobFromTheStoreFile() throws Exception {
        Path db = dir.resolve("node.mv.db");
        String content = lines(10);
        String id;
        List<Lease> underWay = new ArrayList<>();
        try (FileNodeStore node = new FileNodeStore(db)) {
            JobStore store = new JobStore(node);
            StoredJob job = store.submit(parse(content), content, true, dir, 1_000, 7);
            id = job.id();
            assertTrue(id.matches("squares-[0-9a-f]{8}"), id);
            JobLedger ledger = JobLedger.start(store, job, store.spec(id, reader), Agreement.BY_HASH, 60_000,
                    () -> 2_000);
            WorkScheduler s = ledger.scheduler();
            s.join("a", 3);
            s.join("b", 3);
            List<Lease> a = s.fetch("a", 3, 0);
            List<Lease> b = s.fetch("b", 3, 0);
            for (int k = 0; k < 2; k++) {
                assertEquals(ReportStatus.ACCEPTED, s.report("a", a.get(k).id(), Outcome.SUCCESS, "h" + a.get(k).task()));
                assertEquals(ReportStatus.ACCEPTED, s.report("b", b.get(k).id(), Outcome.SUCCESS, "h" + b.get(k).task()));
            }
            underWay.add(a.get(2));
            underWay.add(b.get(2));
            List<JobEvent> events = ledger.record();
            assertEquals(2, events.stream().filter(e -> e instanceof JobEvent.TaskValidated).count());
        } // the node stops here, with two leases under way

        try (FileNodeStore node = new FileNodeStore(db)) {
            JobStore store = new JobStore(node);
            assertEquals(1, store.jobs().size());
            StoredJob job = store.job(id).orElseThrow();
            assertEquals(StoredJob.State.RUNNING, job.state());
            assertEquals(1, job.runs());
            JobLedger ledger = JobLedger.start(store, job, store.spec(id, reader), Agreement.BY_HASH, 60_000,
                    () -> 3_000);
            WorkScheduler s = ledger.scheduler();
            assertEquals(2, s.progress().validated(), "what was validated before the restart still is");
            assertEquals(2L << JobLedger.RUN_SHIFT, store.job(id).orElseThrow().nextLease());
            for (Lease old : underWay) {
                assertEquals(ReportStatus.STALE, s.report(old.member(), old.id(), Outcome.SUCCESS, "h" + old.task()),
                        "a lease of the run before the restart");
            }
            s.join("a", 3);
            s.join("b", 3);
            for (int guard = 0; guard < 100 && !s.progress().finished(); guard++) {
                for (String m : List.of("a", "b")) {
                    for (Lease lease : s.fetch(m, 3, 0)) {
                        s.report(m, lease.id(), Outcome.SUCCESS, "h" + lease.task());
                    }
                }
                ledger.record();
            }
            assertEquals(10, s.progress().validated());
            assertEquals(StoredJob.State.DONE, store.job(id).orElseThrow().state());
        }

        try (FileNodeStore node = new FileNodeStore(db)) {
            JobStore store = new JobStore(node);
            Map<Integer, org.ringfellow.job.internal.quorum.TaskState> tasks = store.tasks(id, 10);
            assertEquals(10, tasks.size());
            for (int t = 0; t < 10; t++) {
                assertEquals(TaskStatus.VALID, tasks.get(t).status());
                assertEquals("h" + t, tasks.get(t).instances().get(tasks.get(t).canonical()).hash());
            }
            assertEquals(Set.of("a", "b"), store.members(id).keySet());
            assertTrue(store.delete(id) > 10);
            assertEquals(List.of(), store.jobs());
            assertEquals(Map.of(), node.namespace(JobStore.JOBS).entries());
        }
    }

    @Test
    void anExclusionIsKeptForTheSubmittersLaterJobs() throws Exception {
        Path db = dir.resolve("node.mv.db");
        String content = lines(6);
        try (FileNodeStore node = new FileNodeStore(db)) {
            JobStore store = new JobStore(node);
            StoredJob job = store.submit(parse(content), content, true, dir, 1, 1);
            JobLedger ledger = JobLedger.start(store, job, store.spec(job.id(), reader), Agreement.BY_HASH, 60_000,
                    () -> 42);
            WorkScheduler s = ledger.scheduler();
            for (String m : List.of("cheat", "a", "b")) {
                s.join(m, 1);
            }
            for (int guard = 0; guard < 100 && !s.progress().finished(); guard++) {
                for (String m : List.of("cheat", "a", "b")) {
                    for (Lease lease : s.fetch(m, 1, 0)) {
                        s.report(m, lease.id(), Outcome.SUCCESS, (m.equals("cheat") ? "bad" : "h") + lease.task());
                    }
                }
                ledger.record();
            }
            assertTrue(s.member("cheat").excluded());
            assertEquals(Set.of("cheat"), store.excluded());
        }
        try (FileNodeStore node = new FileNodeStore(db)) {
            JobStore store = new JobStore(node);
            StoredJob next = store.submit(parse(lines(3)), lines(3), true, dir, 2, 2);
            WorkScheduler s = JobLedger.start(store, next, store.spec(next.id(), reader), Agreement.BY_HASH, 60_000,
                    () -> 43).scheduler();
            assertFalse(s.join("cheat", 1), "a later job of the same submitter avoids it");
            assertTrue(s.join("a", 1));
            assertTrue(store.pardon("cheat"));
            assertEquals(Set.of(), store.excluded());
        }
    }

    @Test
    void aChangedInputFileStopsTheResumeWithAClearError() throws Exception {
        Files.writeString(dir.resolve("in.txt"), "one");
        String content = "name: files\nimage: base\ncommand: [cat]\ninputs: {files: [in.txt]}\n";
        try (FileNodeStore node = new FileNodeStore(dir.resolve("node.mv.db"))) {
            JobStore store = new JobStore(node);
            StoredJob job = store.submit(parse(content), content, true, dir, 1, 1);
            assertEquals(1, store.spec(job.id(), reader).inputs().size());
            Files.writeString(dir.resolve("in.txt"), "two");
            JobStoreException e = assertThrows(JobStoreException.class, () -> store.spec(job.id(), reader));
            assertTrue(e.getMessage().contains("its inputs changed since it was submitted"), e.getMessage());
            Files.delete(dir.resolve("in.txt"));
            e = assertThrows(JobStoreException.class, () -> store.spec(job.id(), reader));
            assertTrue(e.getMessage().contains("its job file no longer reads: inputs.files[0]: no such regular file"),
                    e.getMessage());
        }
    }

    @Test
    void aLargeJobFileIsKeptInChunksAndADamagedEntryIsNamed() throws Exception {
        String content = lines(40_000);
        assertTrue(content.length() > 2 * JobStore.CHUNK);
        try (FileNodeStore node = new FileNodeStore(dir.resolve("node.mv.db"))) {
            JobStore store = new JobStore(node);
            StoredJob job = store.submit(parse(content), content, true, dir, 1, 1);
            assertEquals(40_000, store.spec(job.id(), reader).inputs().size());
            NodeStoreAccess.put(node, job.id() + "/task/3", "{not json");
            JobStoreException e = assertThrows(JobStoreException.class, () -> store.tasks(job.id(), 40_000));
            assertTrue(e.getMessage().contains(job.id() + "/task/3 is not JSON"), e.getMessage());
            NodeStoreAccess.put(node, job.id() + "/task/3", "{\"task\": 4, \"mode\": \"SOLO\", \"status\": \"OPEN\"}");
            e = assertThrows(JobStoreException.class, () -> store.tasks(job.id(), 40_000));
            assertTrue(e.getMessage().contains("holds task 4"), e.getMessage());
            NodeStoreAccess.put(node, job.id() + "/task/3", "{\"task\": 3, \"mode\": \"SIDEWAYS\"}");
            e = assertThrows(JobStoreException.class, () -> store.tasks(job.id(), 40_000));
            assertTrue(e.getMessage().contains(job.id() + "/task/3 does not read"), e.getMessage());
            NodeStoreAccess.remove(node, job.id() + "/file/1");
            e = assertThrows(JobStoreException.class, () -> store.spec(job.id(), reader));
            assertTrue(e.getMessage().contains("part of its job file is missing"), e.getMessage());
            assertThrows(JobStoreException.class, () -> store.job("../etc"));
        }
    }

    /** Writes behind the store's back, as a damaged file would read. */
    private static final class NodeStoreAccess {
        static void put(FileNodeStore node, String key, String value) {
            node.namespace(JobStore.JOBS).put(key, value);
        }

        static void remove(FileNodeStore node, String key) {
            node.namespace(JobStore.JOBS).remove(key);
        }
    }
}
