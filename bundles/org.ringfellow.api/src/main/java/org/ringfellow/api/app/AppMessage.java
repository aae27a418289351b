package org.ringfellow.api.app;

/**
 * A message or request between members of an app.
 *
 * @param from the sender
 * @param topic what it is about
 * @param payload its body (the receiver owns this array)
 * @param requestId the request's id for a request, 0 for a plain message
 */
public record AppMessage(MemberRef from, String topic, byte[] payload, long requestId) {
}
