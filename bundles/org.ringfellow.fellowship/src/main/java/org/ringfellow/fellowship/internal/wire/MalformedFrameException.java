package org.ringfellow.fellowship.internal.wire;

/** A frame that does not follow the wire format; the connection that sent it is closed. */
public final class MalformedFrameException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message, null, false, false);
    }
}
