package org.ringfellow.api.fellowship;

import java.time.Duration;
import java.util.Objects;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;

/**
 * What a founder asks for when it creates a fellowship.
 *
 * @param id the fellowship's id
 * @param targetSize how many members, the founder included, from 1 to {@value #MAX_SIZE}
 * @param requirement what each member must offer (its free resources, drivers, runtimes, labels)
 * @param reservation what each member reserves for the fellowship once it accepts
 * @param inviteTimeout how long the founder waits for a candidate's answer
 */
public record FellowshipSpec(FellowshipId id, int targetSize, ResourceQuery requirement, Resources reservation,
        Duration inviteTimeout) {

    /** The largest fellowship. */
    public static final int MAX_SIZE = 256;

    /**
     * Validates the spec.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public FellowshipSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requirement, "requirement");
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(inviteTimeout, "inviteTimeout");
        if (targetSize < 1 || targetSize > MAX_SIZE) {
            throw new IllegalArgumentException("fellowship size must be 1.." + MAX_SIZE + ", got " + targetSize);
        }
        if (inviteTimeout.isNegative() || inviteTimeout.isZero()) {
            throw new IllegalArgumentException("invite timeout must be positive");
        }
    }
}
