package org.ringfellow.api.fellowship;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Creates and holds this node's fellowships.
 */
public interface FellowshipService {

    /** The largest message payload, in bytes. */
    int MAX_PAYLOAD = 1 << 20;

    /**
     * Founds a fellowship: recruits members from the Ring until the target size is reached.
     *
     * @param spec what to found
     * @return the fellowship once it has its target size; completes exceptionally with
     *     {@link FellowshipException} if not enough members accepted (the message lists the
     *     refusals), in which case every reservation made for it is released
     */
    CompletionStage<Fellowship> create(FellowshipSpec spec);

    /**
     * Lists the fellowships this node belongs to.
     *
     * @return the fellowships
     */
    List<Fellowship> list();

    /**
     * Looks up a fellowship this node belongs to.
     *
     * @param id its id
     * @return the fellowship, or empty
     */
    Optional<Fellowship> get(FellowshipId id);

    /**
     * Returns the admission policy in force.
     *
     * @return the policy
     */
    AdmissionPolicy policy();

    /**
     * Returns what this node has reserved for fellowships, per fellowship, including
     * fellowships it accepted and whose roster it is still waiting for. What the Ring advertises
     * as free should not count these resources.
     *
     * @return an immutable snapshot
     */
    Map<FellowshipId, org.ringfellow.api.node.Resources> reservations();

    /**
     * Returns this node's fellowship counters, as {@code fellowship:policy} shows them: {@code frames.in},
     * {@code frames.out}, {@code handshake.completed}, {@code handshake.failed}, {@code handshake.rejected} (the
     * failed ones the peer check refused: not on the roster, a wrong certificate), {@code connect.failures},
     * {@code drop.<reason>}, {@code store.write-failures}.
     *
     * @return a snapshot by name; empty where the implementation keeps none
     */
    default Map<String, Long> stats() {
        return Map.of();
    }
}
