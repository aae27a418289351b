package org.ringfellow.api.ring;

import org.ringfellow.api.node.NodeId;

/**
 * A member of the Ring as this node's membership view holds it. Every field but
 * {@code state} comes from a record the member signed itself.
 *
 * @param id the member's node id
 * @param name the member's name (informative, not unique)
 * @param address where the member's Ring transport listens
 * @param incarnation the member's incarnation number; only the member raises it
 * @param state what this node believes of the member
 * @param advert the member's latest resource advert
 */
public record Member(NodeId id, String name, Endpoint address, long incarnation, MemberState state,
        ResourceAdvert advert) {
}
