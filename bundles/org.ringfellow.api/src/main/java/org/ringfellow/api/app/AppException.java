package org.ringfellow.api.app;

/** A PaaS operation that failed, with a message for the app developer or operator. */
public class AppException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong
     */
    public AppException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public AppException(String message, Throwable cause) {
        super(message, cause);
    }
}
