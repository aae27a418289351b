package org.ringfellow.job.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.job.internal.member.TaskOutcome;
import org.ringfellow.job.internal.member.TaskRunner;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.quorum.Agreement;
import org.ringfellow.job.internal.quorum.JobEvent;
import org.ringfellow.job.internal.store.FileNodeStore;
import org.ringfellow.job.internal.store.JobLedger;
import org.ringfellow.job.internal.store.JobStore;
import org.ringfellow.job.internal.store.StoredJob;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.JobWire;
import org.ringfellow.job.internal.wire.WireException;

/**
 * A whole job in one process: the submitter's protocol over its ledger and a real MVStore file, members that run
 * their tasks with the real {@link TaskRunner} (on a scripted container manager) and keep their results, and every
 * message encoded and decoded by {@link JobWire} on its way. One member cheats on every third task it runs.
 */
class JobProtocolTest {

    @TempDir
    Path dir;

    private final JobWire wire = new JobWire();

    /** Sends a message through the codec, as a fellowship would carry it. */
    private JobMessage carry(JobMessage message) throws WireException {
        return wire.decode(JobWire.topic(message), wire.encode(message));
    }

    private final class Member {
        final String name;
        final TaskRunner runner;
        final MemberResults results;
        JobSpec template;
        int runs;

        Member(String job, String name, boolean cheats) {
            this.name = name;
            ScriptedEngine engine = new ScriptedEngine(input -> {
                long n = Long.parseLong(input.strip().isEmpty() ? "0" : input.strip().split("\n")[0].strip());
                boolean lie = cheats && runs % 3 == 0;
                return (lie ? n * n + 1 : n * n) + "\n";
            });
            this.runner = new TaskRunner(engine, new ScriptedEngine.Images(), dir.resolve(name + "-work"));
            this.results = new MemberResults(job, dir.resolve(job).resolve(name + "-results"));
        }
    }

    @Test
    void aJobRunsOverTheMessagesWithACheaterAndEveryResultIsRight() throws Exception {
        // one task's input is a file over the inline limit: it travels in chunks
        Files.writeString(dir.resolve("big.txt"), "7\n" + "#".repeat(JobWire.MAX_CHUNK + 100) + "\n");
        String content = "name: squares\nimage: base\ncommand: [sh, -c, 'read n; echo $((n*n))']\n"
                + "members: 4\nslotsPerMember: 2\ninputs:\n  files: [big.txt]\n";
        // two jobs: a file job (chunked input) and a line job (inline inputs)
        StringBuilder lines = new StringBuilder("name: squares\nimage: base\ncommand: [sh, -c, 'read n; echo $((n*n))']\n"
                + "members: 4\nslotsPerMember: 2\ninputs:\n  lines:\n");
        for (int k = 0; k < 30; k++) {
            lines.append("    - \"").append(k).append("\"\n");
        }
        Map<Integer, String> fileJob = runJob(content, 1);
        assertEquals(Map.of(0, "49\n"), fileJob);
        Map<Integer, String> lineJob = runJob(lines.toString(), 30);
        for (int k = 0; k < 30; k++) {
            assertEquals((long) k * k + "\n", lineJob.get(k), "task " + k);
        }
    }

    private Map<Integer, String> runJob(String content, int tasks) throws Exception {
        JobFileReader reader = new JobFileReader();
        Map<Integer, String> got = new TreeMap<>();
        try (FileNodeStore node = new FileNodeStore(dir.resolve("node-" + tasks + ".mv.db"))) {
            JobStore store = new JobStore(node);
            JobSpec parsed = reader.parse(content.getBytes(StandardCharsets.UTF_8), true, dir);
            StoredJob job = store.submit(parsed, content, true, dir, 1, 1);
            JobSpec spec = store.spec(job.id(), reader);
            JobLedger ledger = JobLedger.start(store, job, spec, Agreement.BY_HASH, 60_000, () -> 5);
            SubmitterProtocol submitter = new SubmitterProtocol(ledger, spec);
            List<Member> members = List.of(new Member(job.id(), "cheat", true), new Member(job.id(), "m1", false),
                    new Member(job.id(), "m2", false), new Member(job.id(), "m3", false));
            Map<Integer, String> validated = new LinkedHashMap<>();
            long now = 0;
            for (int round = 0; round < 200 && !ledger.scheduler().progress().finished(); round++, now += 10) {
                for (Member m : members) {
                    step(submitter, job.id(), m, now);
                }
                for (JobEvent e : submitter.tick(now)) {
                    if (e instanceof JobEvent.TaskValidated v) {
                        validated.put(v.task(), v.hash());
                    }
                }
            }
            assertTrue(ledger.scheduler().progress().finished());
            assertEquals(tasks, ledger.scheduler().progress().validated());
            for (int t = 0; t < tasks; t++) {
                String digest = ledger.scheduler().task(t).canonical().orElseThrow().hash();
                String holder = submitter.holders(t).get(0);
                Member from = members.stream().filter(m -> m.name.equals(holder)).findFirst().orElseThrow();
                ResultAssembly assembly = new ResultAssembly(job.id(), t, digest, spec.outputs(), spec.maxOutputBytes());
                Optional<TaskResult> result = Optional.empty();
                while (result.isEmpty()) {
                    JobMessage.ResultRequest request = (JobMessage.ResultRequest) carry(assembly.next());
                    result = assembly.accept((JobMessage.Chunk) carry(from.results.serve(request)));
                }
                got.put(t, new String(result.get().stdout(), StandardCharsets.UTF_8));
            }
            if (tasks >= 10) {
                assertTrue(ledger.scheduler().member("cheat").excluded(), "the cheater is found");
                assertEquals(Set.of("cheat"), store.excluded());
            }
            assertEquals(StoredJob.State.DONE, store.job(job.id()).orElseThrow().state());
        }
        return got;
    }

    private void step(SubmitterProtocol submitter, String job, Member m, long now) throws Exception {
        if (m.template == null) {
            m.template = ((JobMessage.Template) carry(submitter.handle(m.name,
                    carry(new JobMessage.SpecRequest(job)), now))).spec();
        }
        JobMessage.Leases leases = (JobMessage.Leases) carry(submitter.handle(m.name,
                carry(new JobMessage.Fetch(job, m.template.slotsPerMember())), now));
        for (JobMessage.Grant g : leases.grants()) {
            byte[] input = g.input().isPresent() ? g.input().get() : fetchInput(submitter, job, m.name, g, now);
            TaskOutcome outcome = m.runner.run(job, m.template, g.lease(), g.task(), input,
                    Duration.ofSeconds(g.deadlineSeconds()));
            m.runs++;
            JobMessage report;
            if (outcome.succeeded()) {
                String digest = m.results.keep(outcome.result().orElseThrow(), m.template.outputs());
                report = new JobMessage.Report(job, g.lease(), true, Optional.of(digest),
                        Optional.of(outcome.result().orElseThrow().exitCode()), Optional.empty());
            } else {
                report = new JobMessage.Report(job, g.lease(), false, Optional.empty(), Optional.empty(),
                        outcome.error());
            }
            JobMessage.ReportAck ack = (JobMessage.ReportAck) carry(submitter.handle(m.name, carry(report), now));
            assertTrue(Set.of("ACCEPTED", "STALE").contains(ack.status()), ack.toString());
        }
    }

    private byte[] fetchInput(SubmitterProtocol submitter, String job, String member, JobMessage.Grant g, long now)
            throws Exception {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        while (input.size() < g.inputSize()) {
            JobMessage.Chunk chunk = (JobMessage.Chunk) carry(submitter.handle(member,
                    carry(new JobMessage.InputRequest(job, g.lease(), input.size())), now));
            input.writeBytes(chunk.data());
        }
        assertEquals(g.inputSize(), input.size());
        return input.toByteArray();
    }

    @Test
    void contentThatDoesNotMatchTheAgreedDigestIsRefused() throws Exception {
        TaskResult right = TaskResult.of(0, "4\n");
        TaskResult wrong = TaskResult.of(0, "5\n");
        ResultAssembly assembly = new ResultAssembly("squares-0123abcd", 2, right.digest(List.of()), List.of(), 64);
        byte[] bytes = ResultCodec.encode(wrong, List.of());
        WireException e = assertThrows(WireException.class,
                () -> assembly.accept(new JobMessage.Chunk("squares-0123abcd", 0, bytes.length, bytes)));
        assertTrue(e.getMessage().contains("not the agreed"), e.getMessage());
        ResultAssembly again = new ResultAssembly("squares-0123abcd", 2, right.digest(List.of()), List.of(), 64);
        assertThrows(WireException.class, () -> again.accept(new JobMessage.Chunk("squares-0123abcd", 5, 9,
                new byte[] {1})), "out of order");
        byte[] huge = ResultCodec.encode(TaskResult.of(0, "x".repeat(65)), List.of());
        assertThrows(WireException.class, () -> ResultCodec.decode(huge, List.of(), 64), "over the cap");
    }

    @Test
    void aMemberCannotAskForAnotherMembersInput() throws Exception {
        String content = "name: squares\nimage: base\ncommand: [cat]\ninputs: {lines: [\"1\", \"2\"]}\n";
        try (FileNodeStore node = new FileNodeStore(dir.resolve("n.mv.db"))) {
            JobStore store = new JobStore(node);
            StoredJob job = store.submit(new JobFileReader().parse(content.getBytes(StandardCharsets.UTF_8), true, dir),
                    content, true, dir, 1, 1);
            JobSpec spec = store.spec(job.id(), new JobFileReader());
            SubmitterProtocol submitter = new SubmitterProtocol(JobLedger.start(store, job, spec, Agreement.BY_HASH,
                    60_000, () -> 1), spec);
            JobMessage.Leases leases = (JobMessage.Leases) submitter.handle("a", new JobMessage.Fetch(job.id(), 1), 0);
            long lease = leases.grants().get(0).lease();
            assertThrows(WireException.class, () -> submitter.handle("b", new JobMessage.InputRequest(job.id(), lease, 0), 0));
            assertThrows(WireException.class, () -> submitter.handle("a", new JobMessage.Done(job.id()), 0));
            assertThrows(WireException.class, () -> submitter.handle("a", new JobMessage.Fetch("other-0123abcd", 1), 0));
            assertEquals(3, submitter.refused());
            JobMessage.ReportAck forged = (JobMessage.ReportAck) submitter.handle("b", new JobMessage.Report(job.id(),
                    lease, true, Optional.of("ab".repeat(32)), Optional.of(0), Optional.empty()), 0);
            assertEquals("NOT_YOURS", forged.status());
        }
    }
}
