package org.ringfellow.ring.internal.codec;

/** Input that does not decode; carries the drop reason counted in the stats. Never leaves the codec's callers. */
public final class DecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public DecodeException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** @return the counter name: malformed, oversized, unsupported-version, ... */
    public String reason() {
        return reason;
    }
}
