package org.ringfellow.api.fellowship;

import java.util.Map;
import java.util.Set;
import org.ringfellow.api.node.NodeId;

/**
 * The operator's rules for accepting invitations to fellowships.
 *
 * @param maxFellowships the most fellowships this node joins at once
 * @param lendPercent the share of contributed resources that fellowships may reserve, 0 to 100
 * @param allowedFounders if not empty, only these founders are accepted
 * @param refusedFounders founders always refused
 * @param requiredLabels labels a fellowship's requirement must carry (for example {@code project=x})
 */
public record AdmissionPolicy(int maxFellowships, int lendPercent, Set<NodeId> allowedFounders,
        Set<NodeId> refusedFounders, Map<String, String> requiredLabels) {

    /** Up to 8 fellowships, all contributed resources, any founder. */
    public static final AdmissionPolicy OPEN = new AdmissionPolicy(8, 100, Set.of(), Set.of(), Map.of());

    /**
     * Validates the policy.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public AdmissionPolicy {
        if (maxFellowships < 0 || maxFellowships > 1024) {
            throw new IllegalArgumentException("maxFellowships must be 0..1024, got " + maxFellowships);
        }
        if (lendPercent < 0 || lendPercent > 100) {
            throw new IllegalArgumentException("lendPercent must be 0..100, got " + lendPercent);
        }
        allowedFounders = Set.copyOf(allowedFounders);
        refusedFounders = Set.copyOf(refusedFounders);
        requiredLabels = Map.copyOf(requiredLabels);
    }
}
