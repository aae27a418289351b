package org.ringfellow.ring.internal.codec;

import org.ringfellow.api.node.NodeId;

/** Something disseminated about one member: its own signed record, or a signed accusation against it. */
public sealed interface Update permits MemberRecord, Accusation {

    /** @return the member the update is about */
    NodeId subject();

    /** @return the encoded update, signature included */
    byte[] encoded();
}
