package org.ringfellow.api.fellowship;

import org.ringfellow.api.node.NodeId;

/**
 * A message between fellowship members.
 *
 * @param fellowship the fellowship it was sent in
 * @param from the sending member
 * @param topic what it is about, 1 to 128 characters
 * @param payload the body (the receiver owns this array)
 * @param correlation the id of the request it answers or belongs to, or 0
 */
public record FellowshipMessage(FellowshipId fellowship, NodeId from, String topic, byte[] payload, long correlation) {
}
