package org.ringfellow.examples.summarizer.internal;

/** Input the summarizer refuses, with the HTTP status to answer and a message that names the bad value. */
public final class InputException extends Exception {

    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param status the HTTP status: 400 for malformed input, 413 for too much, 422 for input that cannot be summarized
     * @param message what is wrong, naming the value
     */
    public InputException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status to answer */
    public int status() {
        return status;
    }
}
