package org.ringfellow.app.bridge;

/** A line that is not a valid message of the bridge protocol; the reason says which rule it broke. */
public final class MalformedLineException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param reason what is wrong with the line
     */
    public MalformedLineException(String reason) {
        super(reason);
    }
}
