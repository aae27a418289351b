package org.ringfellow.api.fellowship;

import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;

/**
 * A member as the roster lists it.
 *
 * @param node the member's node id
 * @param publicKey the Base64 of the X.509 encoding of its Ed25519 key (what its channel must prove)
 * @param channel where its fellowship channel listens
 */
public record FellowshipMember(NodeId node, String publicKey, Endpoint channel) {
}
