package org.ringfellow.ring.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.codec.Accusation;
import org.ringfellow.ring.internal.codec.MemberRecord;
import org.ringfellow.ring.internal.crypto.LocalIdentity;

class MergeTest {

    private static final LocalIdentity A = LocalIdentity.generate(LocalIdentity.seeded(11));
    private static final LocalIdentity B = LocalIdentity.generate(LocalIdentity.seeded(12));

    private static MemberRecord rec(long inc, boolean left) {
        return MemberRecord.sign(A, "a", new Endpoint("10.0.0.1", 1), inc, left, ResourceAdvert.EMPTY);
    }

    private static Accusation acc(long inc, MemberState s) {
        return Accusation.sign(B, A.id(), inc, s);
    }

    @Test
    void higherIncarnationWinsAndLeftWinsATie() {
        assertTrue(Merge.recordSupersedes(rec(2, false), rec(1, false)));
        assertFalse(Merge.recordSupersedes(rec(1, false), rec(2, false)));
        assertTrue(Merge.recordSupersedes(rec(2, true), rec(2, false)));
        assertFalse(Merge.recordSupersedes(rec(2, false), rec(2, true)));
        assertFalse(Merge.recordSupersedes(rec(2, false), rec(2, false)));
    }

    @Test
    void accusationsApplyOnlyAtReachedIncarnationsAndDeadBeatsSuspect() {
        assertTrue(Merge.accusationApplies(acc(5, MemberState.SUSPECT), rec(5, false), null));
        assertFalse(Merge.accusationApplies(acc(4, MemberState.DEAD), rec(5, false), null));
        assertTrue(Merge.accusationApplies(acc(5, MemberState.DEAD), rec(5, false), acc(5, MemberState.SUSPECT)));
        assertFalse(Merge.accusationApplies(acc(5, MemberState.SUSPECT), rec(5, false), acc(5, MemberState.DEAD)));
        assertFalse(Merge.accusationApplies(acc(9, MemberState.DEAD), rec(5, true), null));
        assertEquals(MemberState.ALIVE, Merge.effectiveState(rec(6, false), acc(5, MemberState.DEAD)));
        assertEquals(MemberState.DEAD, Merge.effectiveState(rec(5, false), acc(5, MemberState.DEAD)));
        assertEquals(MemberState.LEFT, Merge.effectiveState(rec(5, true), acc(5, MemberState.DEAD)));
    }

    @Test
    void suspicionTimeoutShrinksWithConfirmations() {
        long min = 8_000;
        long max = 48_000;
        assertEquals(max, Suspicion.timeout(0, 2, min, max));
        long one = Suspicion.timeout(1, 2, min, max);
        assertTrue(one < max && one > min, "one confirmation: " + one);
        assertEquals(min, Suspicion.timeout(2, 2, min, max));
        assertEquals(min, Suspicion.timeout(0, 0, min, max));
    }
}
