package org.ringfellow.api.job;

/** A job operation refused or failed, with a message for the console that names the bad value. */
public final class JobException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public JobException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause why
     */
    public JobException(String message, Throwable cause) {
        super(message, cause);
    }
}
