package org.ringfellow.api.fellowship;

import org.ringfellow.api.node.NodeId;

/**
 * A message between fellowship members. A message whose {@code correlation} is not 0 is a
 * request: answer it with {@link Fellowship#reply(FellowshipMessage, byte[])}. Replies are not
 * delivered as events; they complete the requester's {@link Fellowship#request} instead.
 *
 * @param fellowship the fellowship it was sent in
 * @param from the sending member
 * @param topic what it is about, 1 to 128 characters
 * @param payload the body (the receiver owns this array)
 * @param correlation the id of the request it answers or belongs to, or 0
 */
public record FellowshipMessage(FellowshipId fellowship, NodeId from, String topic, byte[] payload, long correlation) {

    /**
     * Tells whether the sender waits for a reply.
     *
     * @return true if this message is a request
     */
    public boolean isRequest() {
        return correlation != 0;
    }
}
