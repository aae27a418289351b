package org.ringfellow.job.internal.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.job.Progress;
import org.ringfellow.job.internal.model.Exclusion;
import org.ringfellow.job.internal.model.Replication;
import org.ringfellow.job.internal.quorum.WorkScheduler.ReportStatus;

class WorkSchedulerTest {

    private static final long LEASE = 1_000;

    private static WorkScheduler scheduler(int tasks, Replication replication) {
        return WorkScheduler.fresh(tasks, replication, Exclusion.DEFAULT, LEASE, Agreement.BY_HASH,
                new SplittableRandom(42), Set.of());
    }

    @Test
    void membersPullAtMostTheirFreeSlotsAndNeverTwoInstancesOfOneTask() {
        WorkScheduler s = scheduler(3, Replication.DEFAULT);
        assertTrue(s.join("a", 2));
        List<Lease> first = s.fetch("a", 10, 0);
        assertEquals(2, first.size(), "two slots");
        assertEquals(List.of(), s.fetch("a", 10, 0), "no free slot");
        assertNotEquals(first.get(0).task(), first.get(1).task());
        assertEquals(List.of(), s.fetch("nobody", 1, 0), "a member that did not join gets nothing");
        s.join("b", 8);
        List<Lease> second = s.fetch("b", 8, 0);
        assertEquals(3, second.size(), "b takes the second instance of a's two tasks and the first of the third");
        assertEquals(Set.of(0, 1, 2), tasksOf(second));
        // the third task's second instance cannot go to b again; a takes it once a slot is free
        report(s, first.get(0), "h");
        List<Lease> third = s.fetch("a", 10, 0);
        assertEquals(1, third.size());
        assertEquals(2, third.get(0).task());
    }

    @Test
    void aLeaveHandsItsTasksOutAgainWithoutCountingAnError() {
        WorkScheduler s = scheduler(1, new Replication(2, 2, 0, 2, false));
        s.join("a", 1);
        s.join("b", 1);
        s.join("c", 1);
        Lease a = s.fetch("a", 1, 0).get(0);
        s.fetch("b", 1, 0);
        assertEquals(List.of(), s.fetch("c", 1, 0), "both instances are out");
        assertEquals(List.of(a), s.leave("a"));
        assertEquals(ReportStatus.STALE, s.report("a", a.id(), Outcome.SUCCESS, "h"), "a lost lease is closed");
        Lease c = s.fetch("c", 1, 0).get(0);
        assertEquals(0, c.task());
        report(s, c, "h");
        report(s, s.leases().get(0), "h");
        assertEquals(TaskStatus.VALID, s.task(0).status(), "maxErrorResults=0 and still valid: a leave is no error");
    }

    @Test
    void aMissedDeadlineIsAnErrorAndATaskThatNeverEndsFails() {
        WorkScheduler s = scheduler(1, new Replication(2, 2, 1, 6, false));
        for (String m : List.of("a", "b", "c", "d")) {
            s.join(m, 1);
        }
        Lease a = s.fetch("a", 1, 0).get(0);
        Lease b = s.fetch("b", 1, 100).get(0);
        assertEquals(LEASE, a.deadline());
        assertEquals(List.of(), s.expire(LEASE - 1));
        assertEquals(List.of(a), s.expire(LEASE));
        assertEquals(ReportStatus.STALE, s.report("a", a.id(), Outcome.SUCCESS, "late"));
        assertEquals(TaskStatus.OPEN, s.task(0).status());
        s.fetch("c", 1, LEASE);
        assertEquals(2, s.expire(LEASE + 100 + LEASE).size(), "b's and c's leases");
        assertEquals(TaskStatus.ERROR, s.task(0).status());
        assertTrue(s.task(0).error().orElseThrow().contains("maxErrorResults (1)"));
        assertTrue(s.drainEvents().contains(new JobEvent.TaskFailed(0, s.task(0).error().orElseThrow())));
        assertEquals(List.of(), s.fetch("d", 1, 5_000), "a failed task is not handed out");
        assertTrue(s.progress().finished());
        assertEquals(1, s.progress().failed());
        assertEquals(ReportStatus.STALE, s.report("b", b.id(), Outcome.SUCCESS, "x"));
    }

    @Test
    void aReportOnAnotherMembersLeaseIsRefused() {
        WorkScheduler s = scheduler(1, Replication.DEFAULT);
        s.join("a", 1);
        s.join("b", 1);
        Lease a = s.fetch("a", 1, 0).get(0);
        assertEquals(ReportStatus.NOT_YOURS, s.report("b", a.id(), Outcome.SUCCESS, "forged"));
        assertEquals(ReportStatus.ACCEPTED, s.report("a", a.id(), Outcome.SUCCESS, "h"));
    }

    @Test
    void aMemberExcludedByAnEarlierJobGetsNoWork() {
        WorkScheduler s = WorkScheduler.fresh(2, Replication.DEFAULT, Exclusion.DEFAULT, LEASE, Agreement.BY_HASH,
                new SplittableRandom(1), Set.of("cheat"));
        assertFalse(s.join("cheat", 4));
        assertEquals(List.of(), s.fetch("cheat", 4, 0));
    }

    @Test
    void aCheaterIsExcludedItsLeasesWithdrawnAndHonestMembersFinishTheJob() {
        WorkScheduler s = scheduler(6, Replication.DEFAULT);
        for (String m : List.of("a", "b", "cheat")) {
            s.join(m, 1);
        }
        long now = 0;
        int guard = 0;
        while (!s.progress().finished() && guard++ < 1_000) {
            for (String m : List.of("cheat", "a", "b")) {
                for (Lease lease : s.fetch(m, 1, now)) {
                    String hash = m.equals("cheat") ? "wrong-" + lease.task() : "right-" + lease.task();
                    s.report(m, lease.id(), Outcome.SUCCESS, hash);
                }
            }
            now += 10;
        }
        assertTrue(s.progress().finished());
        for (int t = 0; t < 6; t++) {
            assertEquals("right-" + t, s.task(t).canonical().orElseThrow().hash());
        }
        MemberRecord cheat = s.member("cheat");
        assertTrue(cheat.excluded());
        assertEquals(2, cheat.invalid(), "excluded at its second invalid result (Exclusion.DEFAULT)");
        assertTrue(s.drainEvents().contains(new JobEvent.MemberExcluded("cheat", 0, 2)));
        assertFalse(s.join("cheat", 1), "no way back into the job");
    }

    @Test
    void oneSeedGivesOneRunAndAnotherSeedAnother() {
        assertEquals(Simulation.run(7, 300, 0.3, true).trace(), Simulation.run(7, 300, 0.3, true).trace());
        assertNotEquals(Simulation.run(7, 300, 0.3, true).trace(), Simulation.run(8, 300, 0.3, true).trace());
    }

    @Test
    void aRestartedSubmitterResumesFromItsSnapshotAndRefusesOldLeases() {
        WorkScheduler s = scheduler(4, Replication.DEFAULT);
        s.join("a", 2);
        s.join("b", 2);
        List<Lease> a = s.fetch("a", 2, 0);
        List<Lease> b = s.fetch("b", 2, 0);
        report(s, a.get(0), "h0");
        report(s, b.get(0), "h0");
        report(s, a.get(1), "h1");
        // the submitter stops with b's lease on task 1 under way
        List<TaskState> kept = new ArrayList<>();
        for (int t = 0; t < s.taskCount(); t++) {
            kept.add(s.task(t).snapshot());
        }
        Map<String, MemberRecord> records = s.members();
        List<TaskQuorum> tasks = new ArrayList<>();
        for (TaskState state : kept) {
            tasks.add(TaskQuorum.restore(state, Replication.DEFAULT));
        }
        WorkScheduler resumed = new WorkScheduler(Replication.DEFAULT, Exclusion.DEFAULT, LEASE, Agreement.BY_HASH,
                new SplittableRandom(42), tasks, records, s.nextLeaseId());
        assertEquals(TaskStatus.VALID, resumed.task(0).status());
        assertEquals(ReportStatus.STALE, resumed.report("b", b.get(1).id(), Outcome.SUCCESS, "h1"),
                "a lease of the run before the restart");
        resumed.join("a", 2);
        resumed.join("b", 2);
        assertEquals(records, resumed.members());
        Set<Integer> again = tasksOf(resumed.fetch("b", 2, 0));
        assertTrue(again.contains(1), "b may take task 1 again: its old lease was never reported");
        assertTrue(drive(resumed, 0, Map.of()).finished());
        for (int t = 0; t < 4; t++) {
            assertEquals(TaskStatus.VALID, resumed.task(t).status());
        }
    }

    private static Progress drive(WorkScheduler s, long now, Map<String, String> wrong) {
        for (int guard = 0; guard < 1_000 && !s.progress().finished(); guard++) {
            for (Lease lease : s.leases()) {
                report(s, lease, wrong.getOrDefault(lease.member(), "h") + lease.task());
            }
            for (String m : List.of("a", "b")) {
                s.fetch(m, 2, now);
            }
            now += 10;
        }
        return s.progress();
    }

    private static void report(WorkScheduler s, Lease lease, String hash) {
        assertEquals(ReportStatus.ACCEPTED, s.report(lease.member(), lease.id(), Outcome.SUCCESS, hash));
    }

    private static Set<Integer> tasksOf(List<Lease> leases) {
        Set<Integer> tasks = new HashSet<>();
        for (Lease lease : leases) {
            tasks.add(lease.task());
        }
        return tasks;
    }
}
