package org.ringfellow.examples.calculator.internal;

/**
 * An expression the calculator refuses, with a message for the person who typed it. Never carries
 * a stack trace to the client: only {@link #status()} and the message are shown.
 */
final class CalcException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an expression is refused; each maps to one HTTP status. */
    enum Kind {
        /** The text is not an expression, or is too long or too deep: 400. */
        SYNTAX(400),
        /** A well-formed expression whose value does not exist or is out of range: 422. */
        MATH(422);

        final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final int position;

    CalcException(Kind kind, String message) {
        this(kind, message, -1);
    }

    CalcException(Kind kind, String message, int position) {
        super(message, null, false, false);
        this.kind = kind;
        this.position = position;
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return kind.status;
    }

    /** Where in the expression the problem is, counted from 0, or -1 if nowhere in particular. */
    int position() {
        return position;
    }

    static CalcException syntax(String message, int position) {
        return new CalcException(Kind.SYNTAX, message, position);
    }

    static CalcException math(String message) {
        return new CalcException(Kind.MATH, message);
    }
}
