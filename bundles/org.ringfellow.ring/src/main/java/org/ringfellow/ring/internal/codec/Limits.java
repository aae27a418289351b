package org.ringfellow.ring.internal.codec;

/** Hard bounds of the wire format; the decoder enforces every one of them. */
public final class Limits {

    /** Wire format version; a datagram or frame of another version is dropped. */
    public static final int VERSION = 1;
    /** Largest datagram sent or accepted: stays under a 1,500-byte MTU with IP and UDP headers. */
    public static final int MAX_DATAGRAM = 1_399;
    /** Largest encoded member record (with its signature), so that one always fits a datagram. */
    public static final int MAX_RECORD = 1_024;
    /** Largest encoded accusation. */
    public static final int MAX_ACCUSATION = 160;
    public static final int MAX_PUBLIC_KEY = 64;
    public static final int SIGNATURE = 64;
    public static final int MAX_NAME = 64;
    public static final int MAX_HOST = 64;
    public static final int MAX_TYPES = 8;
    public static final int MAX_TYPE = 32;
    /**
     * Most labels a decoded record may hold; what a node sends is bounded tighter by
     * {@link org.ringfellow.api.node.Labels}, whose limits all fit one record at once.
     */
    public static final int MAX_LABELS = 16;
    public static final int MAX_LABEL_KEY = 32;
    public static final int MAX_LABEL_VALUE = 64;
    /** Most piggybacked updates in one datagram. */
    public static final int MAX_PIGGYBACK = 32;
    /** Largest push-pull frame over TCP. */
    public static final int MAX_STREAM = 16 * 1024 * 1024;
    /** Most records (and, separately, accusations) in one push-pull frame. */
    public static final int MAX_STATE_ENTRIES = 100_000;

    private Limits() {
    }
}
