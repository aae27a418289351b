package org.ringfellow.api.fellowship;

/** A fellowship operation that failed, with a reason for the operator or app developer. */
public class FellowshipException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong
     */
    public FellowshipException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public FellowshipException(String message, Throwable cause) {
        super(message, cause);
    }
}
