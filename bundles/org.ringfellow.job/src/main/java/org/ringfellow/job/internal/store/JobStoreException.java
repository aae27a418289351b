package org.ringfellow.job.internal.store;

/** The submitter's job state is missing or cannot be read; the message says which job and what. */
public final class JobStoreException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong */
    public JobStoreException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public JobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
