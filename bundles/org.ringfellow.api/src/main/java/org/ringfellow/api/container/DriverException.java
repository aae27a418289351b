package org.ringfellow.api.container;

/** A driver or container manager operation that failed, with a reason for the operator. */
public class DriverException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Broad kinds of failure, so callers can react without parsing messages. */
    public enum Kind {
        /** The spec cannot be run as given (bad image, bad mount, unsupported option). */
        INVALID_SPEC,
        /** No such container, or the engine has lost it. */
        NOT_FOUND,
        /** The engine is not present or does not answer. */
        ENGINE_UNAVAILABLE,
        /** The start would exceed what the node contributes. */
        LIMIT_EXCEEDED,
        /** No driver of the asked type is present. */
        NO_DRIVER,
        /** Any other failure of the engine. */
        FAILED
    }

    private final Kind kind;

    /**
     * Creates the exception.
     *
     * @param kind the kind of failure
     * @param message what went wrong, for the operator
     */
    public DriverException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /**
     * Creates the exception with a cause.
     *
     * @param kind the kind of failure
     * @param message what went wrong, for the operator
     * @param cause the underlying failure
     */
    public DriverException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * Returns the kind of failure.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }
}
