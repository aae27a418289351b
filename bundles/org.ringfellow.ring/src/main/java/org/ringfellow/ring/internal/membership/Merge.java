package org.ringfellow.ring.internal.membership;

import org.ringfellow.api.ring.MemberState;
import org.ringfellow.ring.internal.codec.Accusation;
import org.ringfellow.ring.internal.codec.MemberRecord;

/** Which statement about a member wins: pure functions of (incarnation, state). */
public final class Merge {

    private Merge() {
    }

    /** An owner's record replaces another if it is of a higher incarnation, or of the same one and says "left". */
    public static boolean recordSupersedes(MemberRecord incoming, MemberRecord current) {
        return incoming.incarnation() > current.incarnation()
                || (incoming.incarnation() == current.incarnation() && incoming.left() && !current.left());
    }

    /**
     * An accusation applies to the current record if it is about an incarnation the member has
     * reached and it is stronger than the accusation held: a higher incarnation, or DEAD over
     * SUSPECT at the same one. Nothing overrides LEFT but the owner's newer record.
     */
    public static boolean accusationApplies(Accusation incoming, MemberRecord record, Accusation current) {
        if (record.left() || incoming.incarnation() < record.incarnation()) {
            return false;
        }
        if (current == null || current.incarnation() < record.incarnation()) {
            return true;
        }
        if (incoming.incarnation() != current.incarnation()) {
            return incoming.incarnation() > current.incarnation();
        }
        return incoming.state() == MemberState.DEAD && current.state() == MemberState.SUSPECT;
    }

    /** The state a view derives from a record and the strongest accusation it holds. */
    public static MemberState effectiveState(MemberRecord record, Accusation accusation) {
        if (record.left()) {
            return MemberState.LEFT;
        }
        if (accusation != null && accusation.incarnation() >= record.incarnation()) {
            return accusation.state();
        }
        return MemberState.ALIVE;
    }
}
