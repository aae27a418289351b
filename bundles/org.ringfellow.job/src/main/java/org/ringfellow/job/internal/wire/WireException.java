package org.ringfellow.job.internal.wire;

/** A job message that does not decode: the receiver drops it and counts it. */
public final class WireException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong */
    public WireException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
