package org.ringfellow.job.internal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ringfellow.job.internal.member.TaskRunner;
import org.ringfellow.job.internal.model.Replication;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.quorum.Instance;
import org.ringfellow.job.internal.quorum.Mode;
import org.ringfellow.job.internal.quorum.Outcome;
import org.ringfellow.job.internal.quorum.TaskQuorum;
import org.ringfellow.job.internal.quorum.TaskStatus;
import org.ringfellow.job.internal.quorum.Validity;

/**
 * Agreement by a validator, with a comparer that compares the first field of standard output (what the job's
 * validator command does in the runc test and the namespace IT): equal digests need no run, each pair is compared
 * once and the verdict kept, a result whose content is not kept agrees with nothing, and a task's quorum is
 * reached by results that differ harmlessly and refused for one that differs in the first field.
 */
class ValidatorAgreementTest {

    private final Map<String, TaskResult> kept = new HashMap<>();
    private final List<String> runs = new ArrayList<>();

    private final ValidatorAgreement agreement = new ValidatorAgreement("stamps-0123abcd", (task, a, b) -> {
        runs.add(first(a) + "|" + first(b));
        return new TaskRunner.Comparison(first(a).equals(first(b)), "compared");
    }, (task, digest) -> Optional.ofNullable(kept.get(task + "/" + digest)));

    private static String first(TaskResult r) {
        return new String(r.stdout(), StandardCharsets.UTF_8).split(" ")[0];
    }

    private String keep(int task, String stdout) {
        TaskResult r = new TaskResult(0, stdout.getBytes(StandardCharsets.UTF_8), Map.of());
        String digest = r.digest(List.of());
        kept.put(task + "/" + digest, r);
        return digest;
    }

    private static Instance success(String member, String digest) {
        return new Instance(member, Outcome.SUCCESS, digest, Validity.UNCHECKED);
    }

    @Test
    void eachPairIsComparedOnceAndEqualDigestsNever() {
        String a = keep(0, "1229 at 10:00:01\n");
        String b = keep(0, "1229 at 10:00:07\n");
        String c = keep(0, "1230 at 10:00:01\n");
        assertTrue(agreement.agree(0, success("m1", a), success("m2", a)));
        assertEquals(0, agreement.runs(), "one digest needs no validator");
        agreement.prepare(0, b, List.of(a));
        agreement.prepare(0, c, List.of(a, b));
        assertEquals(List.of("1229|1229", "1229|1230", "1229|1230"), runs);
        assertTrue(agreement.agree(0, success("m2", b), success("m1", a)), "either order, the kept verdict");
        assertFalse(agreement.agree(0, success("m1", a), success("m3", c)));
        assertFalse(agreement.agree(0, success("m3", c), success("m2", b)));
        assertEquals(3, agreement.runs(), "verdicts are looked up, not run again");
        // another task's pair is another pair
        String d = keep(1, "1229 at 10:00:01\n");
        String e = keep(1, "1229 at 11:00:00\n");
        assertTrue(agreement.agree(1, success("m1", d), success("m2", e)), "an unprepared pair is compared then");
        assertEquals(4, agreement.runs());
    }

    @Test
    void aResultNotKeptAgreesWithNothing() {
        String a = keep(0, "1229 x\n");
        String absent = new TaskResult(0, "1229 y\n".getBytes(StandardCharsets.UTF_8), Map.of()).digest(List.of());
        agreement.prepare(0, absent, List.of(a));
        assertFalse(agreement.agree(0, success("m1", a), success("m2", absent)));
        assertEquals(0, agreement.runs());
    }

    @Test
    void aQuorumOfHarmlesslyDifferentResultsIsValidAndAWrongOneInvalid() {
        TaskQuorum q = new TaskQuorum(0, new Replication(2, 3, 3, 8, false), Mode.REPLICATED);
        q.issue("m1");
        q.issue("m2");
        q.issue("m3");
        String a = keep(0, "1229 at 10:00:01\n");
        String wrong = keep(0, "1230 at 10:00:02\n");
        String b = keep(0, "1229 at 10:00:03\n");
        q.report("m1", Outcome.SUCCESS, a, agreement);
        agreement.prepare(0, wrong, List.of(a));
        q.report("m2", Outcome.SUCCESS, wrong, agreement);
        assertEquals(TaskStatus.OPEN, q.status(), "two results that disagree are no quorum");
        agreement.prepare(0, b, List.of(a, wrong));
        q.report("m3", Outcome.SUCCESS, b, agreement);
        assertEquals(TaskStatus.VALID, q.status());
        assertEquals(a, q.canonical().orElseThrow().hash());
        Map<String, Validity> validity = new HashMap<>();
        q.instances().forEach(i -> validity.put(i.member(), i.validity()));
        assertEquals(Map.of("m1", Validity.VALID, "m2", Validity.INVALID, "m3", Validity.VALID), validity);
    }
}
