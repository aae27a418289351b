package org.ringfellow.job.internal.model;

/** A job file that cannot be accepted; the message names the field and the bad value. */
public final class JobFileException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the field */
    public JobFileException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the field
     * @param cause the underlying failure
     */
    public JobFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
