package org.ringfellow.job.internal.quorum;

import java.util.Objects;

/**
 * One handed-out copy of a task (BOINC's "result") and what became of it.
 *
 * @param member the member it was given to
 * @param outcome how it ended so far
 * @param hash the result's digest, for a {@link Outcome#SUCCESS}
 * @param validity what the quorum made of it
 */
public record Instance(String member, Outcome outcome, String hash, Validity validity) {

    /** Checks that a success carries a digest. */
    public Instance {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(validity, "validity");
        if (outcome == Outcome.SUCCESS && hash == null) {
            throw new IllegalArgumentException("a successful result needs its digest");
        }
    }

    Instance with(Outcome newOutcome, String newHash) {
        return new Instance(member, newOutcome, newHash, validity);
    }

    Instance with(Validity newValidity) {
        return new Instance(member, outcome, hash, newValidity);
    }

    boolean isCandidate() {
        return outcome == Outcome.SUCCESS && validity == Validity.UNCHECKED;
    }
}
