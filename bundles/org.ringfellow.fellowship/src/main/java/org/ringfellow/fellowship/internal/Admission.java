package org.ringfellow.fellowship.internal;

import java.util.Map;
import java.util.Optional;
import org.ringfellow.api.fellowship.AdmissionPolicy;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;

/** The admission decision, one pure function of the policy and the node's situation. */
final class Admission {

    private Admission() {
    }

    /**
     * Decides on an invitation.
     *
     * @param policy the operator's policy
     * @param founder who invites
     * @param spec the fellowship's spec
     * @param memberships how many fellowships this node belongs to (or has accepted) now
     * @param reserved what this node has already reserved for fellowships
     * @param contributed what the operator contributes
     * @return empty to accept, or the reason for refusing
     */
    static Optional<String> refusal(AdmissionPolicy policy, NodeId founder, FellowshipSpec spec, int memberships,
            Resources reserved, Resources contributed) {
        if (policy.refusedFounders().contains(founder)) {
            return Optional.of("founder " + founder.shortId() + " is refused by this node's policy");
        }
        if (!policy.allowedFounders().isEmpty() && !policy.allowedFounders().contains(founder)) {
            return Optional.of("founder " + founder.shortId() + " is not among the allowed founders");
        }
        if (memberships >= policy.maxFellowships()) {
            return Optional.of("this node already belongs to " + memberships + " fellowships (max "
                    + policy.maxFellowships() + ")");
        }
        for (Map.Entry<String, String> e : policy.requiredLabels().entrySet()) {
            if (!e.getValue().equals(spec.requirement().labels().get(e.getKey()))) {
                return Optional.of("the fellowship does not require label " + e.getKey() + "=" + e.getValue());
            }
        }
        Resources lendable = new Resources(share(contributed.milliCpus(), policy.lendPercent()),
                share(contributed.memoryBytes(), policy.lendPercent()),
                share(contributed.diskBytes(), policy.lendPercent()));
        Resources wanted;
        try {
            wanted = reserved.plus(spec.reservation());
        } catch (ArithmeticException e) {
            return Optional.of("the reservation is out of range");
        }
        if (!lendable.covers(wanted)) {
            return Optional.of("reserving " + spec.reservation() + " would lend more than " + policy.lendPercent()
                    + "% of the contributed resources");
        }
        return Optional.empty();
    }

    private static long share(long amount, int percent) {
        return amount / 100 * percent + amount % 100 * percent / 100;
    }
}
