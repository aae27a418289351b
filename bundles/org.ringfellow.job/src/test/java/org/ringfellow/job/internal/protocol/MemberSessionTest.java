package org.ringfellow.job.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.job.internal.member.TaskRunner;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.quorum.Agreement;
import org.ringfellow.job.internal.store.FileNodeStore;
import org.ringfellow.job.internal.store.JobLedger;
import org.ringfellow.job.internal.store.JobStore;
import org.ringfellow.job.internal.store.StoredJob;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.JobWire;

/**
 * Member sessions on their own threads pull, run and report a whole job against the submitter's protocol, every
 * message through the codec; one member lies on every other run. The wait for the job's end is bounded only so a
 * broken loop fails the test instead of hanging it; nothing is asserted about how long it took.
 */
class MemberSessionTest {

    @TempDir
    Path dir;

    private final JobWire wire = new JobWire();

    @Test
    void sessionsRunAJobToItsEndAndTheLiarIsExcluded() throws Exception {
        StringBuilder content = new StringBuilder("name: squares\nimage: base\ncommand: [sh, -c, 'read n; echo $((n*n))']\n"
                + "members: 4\nslotsPerMember: 3\ninputs:\n  lines:\n");
        for (int k = 0; k < 60; k++) {
            content.append("    - \"").append(k).append("\"\n");
        }
        JobFileReader reader = new JobFileReader();
        try (FileNodeStore node = new FileNodeStore(dir.resolve("node.mv.db"))) {
            JobStore store = new JobStore(node);
            StoredJob job = store.submit(reader.parse(content.toString().getBytes(StandardCharsets.UTF_8), true, dir),
                    content.toString(), true, dir, 1, 1);
            JobSpec spec = store.spec(job.id(), reader);
            JobLedger ledger = JobLedger.start(store, job, spec, Agreement.BY_HASH, 60_000, System::currentTimeMillis);
            SubmitterProtocol submitter = new SubmitterProtocol(ledger, spec);
            Map<String, MemberSession> sessions = new LinkedHashMap<>();
            for (String name : new String[] {"liar", "m1", "m2", "m3"}) {
                AtomicInteger runs = new AtomicInteger();
                boolean lies = name.equals("liar");
                ScriptedEngine engine = new ScriptedEngine(input -> {
                    long n = Long.parseLong(input.strip());
                    return (lies && runs.getAndIncrement() % 2 == 0 ? n * n + 1 : n * n) + "\n";
                });
                MemberSession.Link link = message -> {
                    try {
                        synchronized (submitter) {
                            JobMessage decoded = wire.decode(JobWire.topic(message), wire.encode(message));
                            JobMessage answer = submitter.handle(name, decoded, System.currentTimeMillis());
                            return CompletableFuture.completedFuture(wire.decode(JobWire.topic(answer),
                                    wire.encode(answer)));
                        }
                    } catch (Exception e) {
                        return CompletableFuture.failedFuture(e);
                    }
                };
                MemberSession session = new MemberSession(job.id(), link,
                        new TaskRunner(engine, new ScriptedEngine.Images(), dir.resolve(name + "-work")),
                        new MemberResults(job.id(), dir.resolve(name + "-results")), Duration.ofMillis(20),
                        Duration.ofSeconds(10));
                sessions.put(name, session);
                session.start();
            }
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < giveUp) {
                synchronized (submitter) {
                    if (ledger.scheduler().progress().finished()) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
            synchronized (submitter) {
                assertTrue(ledger.scheduler().progress().finished(), ledger.scheduler().progress().toString());
                assertEquals(60, ledger.scheduler().progress().validated());
                assertTrue(ledger.scheduler().member("liar").excluded());
            }
            for (int t = 0; t < 60; t++) {
                String holder;
                String digest;
                synchronized (submitter) {
                    holder = submitter.holders(t).get(0);
                    digest = ledger.scheduler().task(t).canonical().orElseThrow().hash();
                }
                ResultAssembly assembly = new ResultAssembly(job.id(), t, digest, spec.outputs(), spec.maxOutputBytes());
                Optional<TaskResult> result = Optional.empty();
                while (result.isEmpty()) {
                    result = assembly.accept((JobMessage.Chunk) sessions.get(holder).handle(assembly.next())
                            .orElseThrow());
                }
                assertEquals((long) t * t + "\n", new String(result.get().stdout(), StandardCharsets.UTF_8));
            }
            for (MemberSession s : sessions.values()) {
                assertEquals(Optional.empty(), s.handle(new JobMessage.Done(job.id())));
                assertTrue(s.awaitClosed(Duration.ofSeconds(30)));
            }
            for (String name : sessions.keySet()) {
                assertFalse(Files.exists(dir.resolve(name + "-results")), "done drops the kept results");
            }
            assertEquals(StoredJob.State.DONE, store.job(job.id()).orElseThrow().state());
        }
    }
}
