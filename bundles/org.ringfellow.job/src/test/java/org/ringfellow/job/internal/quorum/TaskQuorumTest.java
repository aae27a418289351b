package org.ringfellow.job.internal.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.job.internal.model.Replication;

class TaskQuorumTest {

    private static final Agreement HASH = Agreement.BY_HASH;

    private static TaskQuorum replicated(int quorum, int target, int errors, int total) {
        return new TaskQuorum(7, new Replication(quorum, target, errors, total, false), Mode.REPLICATED);
    }

    @Test
    void twoAgreeingResultsMakeTheTaskValid() {
        TaskQuorum q = replicated(2, 2, 3, 6);
        assertEquals(2, q.wanted());
        q.issue("a");
        q.issue("b");
        assertEquals(0, q.wanted());
        assertEquals(List.of(), q.report("a", Outcome.SUCCESS, "h1", HASH));
        assertEquals(TaskStatus.OPEN, q.status());
        List<Verdict> verdicts = q.report("b", Outcome.SUCCESS, "h1", HASH);
        assertEquals(TaskStatus.VALID, q.status());
        assertEquals("h1", q.canonical().orElseThrow().hash());
        assertEquals(List.of(new Verdict("a", Validity.VALID, true), new Verdict("b", Validity.VALID, true)),
                verdicts);
        assertEquals(0, q.wanted());
    }

    @Test
    void aDisagreementAsksForOneMoreResultAndTheOddOneOutIsInvalid() {
        TaskQuorum q = replicated(2, 2, 3, 6);
        q.issue("a");
        q.issue("b");
        q.report("a", Outcome.SUCCESS, "good", HASH);
        assertEquals(List.of(), q.report("b", Outcome.SUCCESS, "bad", HASH));
        assertEquals(TaskStatus.OPEN, q.status());
        assertEquals(1, q.wanted(), "one more result to break the tie");
        q.issue("c");
        List<Verdict> verdicts = q.report("c", Outcome.SUCCESS, "good", HASH);
        assertEquals(TaskStatus.VALID, q.status());
        assertEquals("good", q.canonical().orElseThrow().hash());
        assertTrue(verdicts.contains(new Verdict("b", Validity.INVALID, true)));
        assertTrue(verdicts.contains(new Verdict("a", Validity.VALID, true)));
        assertTrue(verdicts.contains(new Verdict("c", Validity.VALID, true)));
    }

    @Test
    void aResultAfterTheQuorumIsJudgedAgainstTheCanonicalOne() {
        TaskQuorum q = replicated(2, 3, 3, 6);
        q.issue("a");
        q.issue("b");
        q.issue("c");
        q.report("a", Outcome.SUCCESS, "x", HASH);
        q.report("b", Outcome.SUCCESS, "x", HASH);
        assertEquals(TaskStatus.VALID, q.status());
        assertEquals(List.of(new Verdict("c", Validity.INVALID, true)), q.report("c", Outcome.SUCCESS, "y", HASH));
    }

    @Test
    void moreErrorsThanMaxErrorResultsPutTheTaskInError() {
        TaskQuorum q = replicated(2, 2, 1, 6);
        q.issue("a");
        q.issue("b");
        q.report("a", Outcome.ERROR, null, HASH);
        assertEquals(TaskStatus.OPEN, q.status(), "one error is not more than maxErrorResults=1");
        assertEquals(1, q.wanted());
        q.issue("c");
        q.report("c", Outcome.NO_REPLY, null, HASH);
        assertEquals(TaskStatus.ERROR, q.status());
        assertTrue(q.error().orElseThrow().contains("maxErrorResults (1)"));
        assertEquals(0, q.wanted());
        // a late result of a failed task changes nothing
        assertEquals(List.of(), q.report("b", Outcome.SUCCESS, "x", HASH));
        assertEquals(TaskStatus.ERROR, q.status());
    }

    @Test
    void noAgreementWithinMaxTotalResultsIsAnError() {
        TaskQuorum q = replicated(2, 2, 10, 3);
        q.issue("a");
        q.issue("b");
        q.report("a", Outcome.SUCCESS, "1", HASH);
        q.report("b", Outcome.SUCCESS, "2", HASH);
        assertEquals(1, q.wanted());
        q.issue("c");
        assertEquals(0, q.wanted(), "three instances is maxTotalResults");
        q.report("c", Outcome.SUCCESS, "3", HASH);
        assertEquals(TaskStatus.ERROR, q.status());
        assertTrue(q.error().orElseThrow().contains("maxTotalResults (3)"));
    }

    @Test
    void lostInstancesAreHandedOutAgainAndDoNotCountAgainstTheTotal() {
        TaskQuorum q = replicated(2, 2, 0, 2);
        q.issue("a");
        q.issue("b");
        q.report("a", Outcome.LOST, null, HASH);
        assertEquals(TaskStatus.OPEN, q.status(), "a lost instance is no error");
        assertEquals(1, q.wanted(), "and frees its place within maxTotalResults");
        assertFalse(q.hasMember("a"), "a member that lost its lease may take the task again");
        q.issue("a");
        q.report("a", Outcome.SUCCESS, "h", HASH);
        q.report("b", Outcome.SUCCESS, "h", HASH);
        assertEquals(TaskStatus.VALID, q.status());
    }

    @Test
    void oneMemberGetsOneInstanceOfATask() {
        TaskQuorum q = replicated(2, 2, 3, 6);
        q.issue("a");
        assertThrows(IllegalStateException.class, () -> q.issue("a"));
        q.report("a", Outcome.SUCCESS, "h", HASH);
        assertThrows(IllegalStateException.class, () -> q.issue("a"));
        assertThrows(IllegalStateException.class, () -> q.report("a", Outcome.SUCCESS, "h", HASH));
    }

    @Test
    void aValidatorMayAcceptResultsThatDifferHarmlessly() {
        // results "agree" when they share their first character: 'a1' and 'a2' agree, 'b1' agrees with neither
        Agreement prefix = (task, a, b) -> a.hash().charAt(0) == b.hash().charAt(0);
        TaskQuorum q = replicated(2, 3, 3, 6);
        q.issue("x");
        q.issue("y");
        q.issue("z");
        q.report("x", Outcome.SUCCESS, "b1", prefix);
        q.report("y", Outcome.SUCCESS, "a1", prefix);
        assertEquals(TaskStatus.OPEN, q.status());
        List<Verdict> verdicts = q.report("z", Outcome.SUCCESS, "a2", prefix);
        assertEquals(TaskStatus.VALID, q.status());
        assertEquals("a1", q.canonical().orElseThrow().hash(), "the first result enough others agree with");
        assertTrue(verdicts.contains(new Verdict("x", Validity.INVALID, true)));
        assertTrue(verdicts.contains(new Verdict("z", Validity.VALID, true)));
    }

    @Test
    void aSoloTaskIsValidWithOneResultAndReopensWhenItsMemberIsExcluded() {
        TaskQuorum q = new TaskQuorum(0, new Replication(2, 2, 3, 6, true), Mode.UNDECIDED);
        assertThrows(IllegalStateException.class, () -> q.issue("t"), "undecided tasks are not handed out");
        q.decide(Mode.SOLO);
        assertEquals(1, q.wanted());
        q.issue("t");
        List<Verdict> verdicts = q.report("t", Outcome.SUCCESS, "wrong", HASH);
        assertEquals(TaskStatus.VALID, q.status());
        assertEquals(List.of(new Verdict("t", Validity.VALID, false)), verdicts, "solo results do not count for trust");
        assertTrue(q.discard("t", HASH));
        assertEquals(TaskStatus.OPEN, q.status());
        assertEquals(Mode.REPLICATED, q.mode());
        assertEquals(2, q.wanted(), "replicated now, the discarded result counts for nothing");
        q.issue("a");
        q.issue("b");
        q.report("a", Outcome.SUCCESS, "right", HASH);
        q.report("b", Outcome.SUCCESS, "right", HASH);
        assertEquals("right", q.canonical().orElseThrow().hash());
    }

    @Test
    void excludingAMemberOfAValidQuorumKeepsTheResultOfTheOthers() {
        TaskQuorum q = replicated(2, 2, 3, 6);
        q.issue("a");
        q.issue("b");
        q.report("a", Outcome.SUCCESS, "h", HASH);
        q.report("b", Outcome.SUCCESS, "h", HASH);
        assertEquals("a", q.canonical().orElseThrow().member());
        assertFalse(q.discard("a", HASH));
        assertEquals(TaskStatus.VALID, q.status());
        assertEquals("b", q.canonical().orElseThrow().member());
    }

    @Test
    void discardingAnOpenTasksResultFreesItsPlace() {
        TaskQuorum q = replicated(2, 2, 3, 6);
        q.issue("a");
        q.issue("b");
        q.report("a", Outcome.SUCCESS, "bad", HASH);
        q.discard("a", HASH);
        assertEquals(1, q.wanted());
        q.discard("b", HASH);
        assertEquals(2, q.wanted(), "b's instance under way is lost too");
    }

    @Test
    void aSnapshotRestoresTheSameTaskWithoutItsLeases() {
        TaskQuorum q = replicated(2, 3, 3, 6);
        q.issue("a");
        q.issue("b");
        q.issue("c");
        q.report("a", Outcome.SUCCESS, "h", HASH);
        q.report("b", Outcome.SUCCESS, "h", HASH);
        TaskState state = q.snapshot();
        assertEquals(2, state.instances().size(), "c's instance under way is not kept");
        TaskQuorum back = TaskQuorum.restore(state, new Replication(2, 3, 3, 6, false));
        assertEquals(TaskStatus.VALID, back.status());
        assertEquals(q.canonical(), back.canonical());
        assertEquals(state, back.snapshot());
        TaskState broken = new TaskState(1, Mode.REPLICATED, TaskStatus.VALID, java.util.Optional.empty(), 0,
                List.of(), -1);
        assertThrows(IllegalArgumentException.class, () -> TaskQuorum.restore(broken, Replication.DEFAULT));
    }

    @Test
    void boincsTrustRule() {
        assertEquals(0, AdaptiveReplication.trustProbability(9));
        assertEquals(0.9, AdaptiveReplication.trustProbability(10), 1e-12);
        assertEquals(0.99, AdaptiveReplication.trustProbability(100), 1e-12);
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        int trusted = 0;
        for (int k = 0; k < 10_000; k++) {
            if (AdaptiveReplication.trusts(20, random)) {
                trusted++;
            }
            assertFalse(AdaptiveReplication.trusts(5, random));
        }
        // 1 - 1/20 = 0.95: 9,500 expected, binomial standard deviation about 22
        assertTrue(trusted > 9_300 && trusted < 9_700, "trusted " + trusted + " of 10000");
    }
}
