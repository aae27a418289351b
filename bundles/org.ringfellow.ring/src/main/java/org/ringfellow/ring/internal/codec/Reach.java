package org.ringfellow.ring.internal.codec;

/**
 * What a member learned of its own reachability (see {@code membership.NatDetector}) and
 * states in its signed record: two bits of the record's status byte.
 */
public enum Reach {
    /** Not decided yet (too few members answered, or a ring of one). */
    UNKNOWN("unknown"),
    /** Others reach it at the address it bound: members saw it there and dialled it back. */
    PUBLIC("public"),
    /**
     * Behind a NAT with an endpoint-independent mapping that lets others in: the record's
     * address is that public mapping, which members saw and dialled back.
     */
    NAT_MAPPED("nat-mapped"),
    /** Others cannot dial it (a symmetric NAT, or a mapping that filters): it needs a relay. */
    UNREACHABLE("unreachable");

    /** The label key under which a member's reachability shows in the API's views. */
    public static final String LABEL = "ringfellow.reach";

    private final String label;

    Reach(String label) {
        this.label = label;
    }

    /** @return the word shown by {@code ring:members} and {@code node:info} */
    public String label() {
        return label;
    }

    static Reach ofCode(int code) throws DecodeException {
        if (code < 0 || code >= values().length) {
            throw new DecodeException("malformed", "reachability " + code);
        }
        return values()[code];
    }
}
