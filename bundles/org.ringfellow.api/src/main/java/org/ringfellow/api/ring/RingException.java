package org.ringfellow.api.ring;

/** A Ring operation that could not be done, with a reason meant for the operator. */
public class RingException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the operator
     */
    public RingException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong, for the operator
     * @param cause the underlying failure
     */
    public RingException(String message, Throwable cause) {
        super(message, cause);
    }
}
