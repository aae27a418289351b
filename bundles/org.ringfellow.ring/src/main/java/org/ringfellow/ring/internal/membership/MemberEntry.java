package org.ringfellow.ring.internal.membership;

import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.ring.internal.codec.Accusation;
import org.ringfellow.ring.internal.codec.MemberRecord;

/** One member in a view: the owner's latest record, the strongest accusation held, the derived state. */
final class MemberEntry {

    MemberRecord record;
    Accusation accusation;
    MemberState state;
    long stateSince;
    Suspicion suspicion;
    long lastRegossip = Long.MIN_VALUE;

    MemberEntry(MemberRecord record, MemberState state, long now) {
        this.record = record;
        this.state = state;
        this.stateSince = now;
    }

    Member toMember() {
        return new Member(record.id(), record.name(), record.address(), record.incarnation(), state,
                record.advertForView());
    }

    boolean gone() {
        return state == MemberState.DEAD || state == MemberState.LEFT;
    }
}
