package org.ringfellow.ring.internal.membership;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.ring.internal.codec.Reach;

/**
 * What a member concludes about its own reachability from what others tell it, in two steps
 * per round (pure bookkeeping; {@link Swim} sends and times the messages):
 * <ol>
 * <li><b>Observation</b>: a few members, asked with a nonce each, report the source address
 * and port they saw. An address counts once per reporting <i>host</i> (one machine with many
 * identities is one witness), only replies from the address asked count, and a mapping is
 * trusted only when at least {@value #MIN_WITNESSES} hosts saw it and more saw it than any
 * other: a single reporter, honest or forged, never decides. Reports that all differ, on one
 * public host, mean the NAT maps per destination (symmetric).</li>
 * <li><b>Dial-back</b> (AutoNAT's check): a few members are asked to send a nonce to the trusted
 * mapping from another port, which no NAT lets in unless it lets everyone in. At least
 * {@value #MIN_WITNESSES} distinct members must get through for the member to call itself
 * reachable (public, when the mapping is its own address, or behind a NAT whose mapping others
 * may dial); when every member asked failed, it is unreachable.</li>
 * </ol>
 * Anything less than that leaves the last verdict as it was.
 */
public final class NatDetector {

    /** Distinct hosts that must agree on a mapping, and distinct members that must dial back. */
    public static final int MIN_WITNESSES = 2;

    /** A member asked, and the address it was asked at. */
    record Peer(NodeId id, Endpoint address) {
    }

    /** The outcome of an observation step. */
    sealed interface Observation {
        /** Too few or conflicting reports. */
        record Undecided(String why) implements Observation {
        }

        /** Enough hosts saw this member at {@code mapping}. */
        record Mapping(Endpoint mapping) implements Observation {
        }

        /** Each host saw another port of one public address: a symmetric NAT. */
        record Varies(List<Endpoint> seen) implements Observation {
        }
    }

    private final Map<Long, Peer> asked = new HashMap<>();
    private final Map<NodeId, Peer> reporters = new LinkedHashMap<>();
    private final Map<NodeId, Endpoint> reports = new LinkedHashMap<>();
    private final Map<Long, NodeId> dials = new HashMap<>();
    private final Set<NodeId> dialedBack = new HashSet<>();
    private Endpoint candidate;
    private Reach verdict = Reach.UNKNOWN;
    private Endpoint mapping;
    private String detail = "not checked yet";

    /** Starts a round's observation step: the nonces sent and to whom. */
    void observing(Map<Long, Peer> nonces) {
        asked.clear();
        reporters.clear();
        reports.clear();
        dials.clear();
        dialedBack.clear();
        candidate = null;
        asked.putAll(nonces);
    }

    /**
     * A report of where a member saw us.
     *
     * @return false if it answers nothing asked (unknown nonce, or not from the address asked)
     */
    boolean observed(long nonce, Endpoint from, Endpoint seen) {
        Peer p = asked.get(nonce);
        if (p == null || !p.address().equals(from)) {
            return false;
        }
        asked.remove(nonce);
        reporters.put(p.id(), p);
        reports.put(p.id(), seen);
        return true;
    }

    /** @return what the reports of this round say */
    Observation observation() {
        // Witnesses per observed address: distinct hosts of the reporters.
        Map<Endpoint, Set<String>> witnesses = new LinkedHashMap<>();
        reports.forEach((id, seen) -> witnesses.computeIfAbsent(seen, k -> new HashSet<>())
                .add(reporters.get(id).address().host()));
        Endpoint best = null;
        int bestCount = 0;
        int runnerUp = 0;
        for (Map.Entry<Endpoint, Set<String>> e : witnesses.entrySet()) {
            int n = e.getValue().size();
            if (n > bestCount) {
                runnerUp = bestCount;
                bestCount = n;
                best = e.getKey();
            } else if (n > runnerUp) {
                runnerUp = n;
            }
        }
        if (best != null && bestCount >= MIN_WITNESSES && bestCount > runnerUp) {
            return new Observation.Mapping(best);
        }
        Set<String> hosts = new HashSet<>();
        witnesses.keySet().forEach(e -> hosts.add(e.host()));
        Set<String> reporterHosts = new HashSet<>();
        reporters.values().forEach(p -> reporterHosts.add(p.address().host()));
        if (witnesses.size() >= MIN_WITNESSES && hosts.size() == 1 && bestCount == 1
                && reporterHosts.size() >= MIN_WITNESSES) {
            return new Observation.Varies(new ArrayList<>(witnesses.keySet()));
        }
        return new Observation.Undecided(reports.size() + " report(s) from " + reporterHosts.size()
                + " host(s), no address seen by " + MIN_WITNESSES);
    }

    /** Starts the dial-back step: the nonces sent, to which member, for {@code mapping}. */
    void dialing(Endpoint mapping, Map<Long, NodeId> nonces) {
        candidate = mapping;
        dials.clear();
        dialedBack.clear();
        dials.putAll(nonces);
    }

    /** @return false if the nonce is none we are waiting for */
    boolean dialedBack(long nonce) {
        NodeId helper = dials.remove(nonce);
        if (helper == null) {
            return false;
        }
        dialedBack.add(helper);
        return true;
    }

    /**
     * Ends the dial-back step.
     *
     * @param local the address this member listens at, as it would advertise it without NAT
     * @return the new verdict, or empty if the step decided nothing
     */
    Optional<Reach> concludeDial(Endpoint local) {
        int asked = dials.size() + dialedBack.size();
        if (candidate == null) {
            return Optional.empty();
        }
        if (dialedBack.size() >= MIN_WITNESSES) {
            Reach r = candidate.equals(local) ? Reach.PUBLIC : Reach.NAT_MAPPED;
            return Optional.of(decide(r, candidate, dialedBack.size() + " of " + asked + " members dialled "
                    + candidate + " back"));
        }
        if (dialedBack.isEmpty() && asked >= MIN_WITNESSES) {
            return Optional.of(decide(Reach.UNREACHABLE, null, "seen at " + candidate + " but none of " + asked
                    + " members could dial it back (the NAT filters): needs a relay"));
        }
        return Optional.empty();
    }

    /** Ends the observation step with a symmetric NAT. */
    Reach symmetric(List<Endpoint> seen) {
        return decide(Reach.UNREACHABLE, null, "a new mapping per destination (symmetric NAT), seen at " + seen
                + ": needs a relay");
    }

    private Reach decide(Reach r, Endpoint m, String why) {
        verdict = r;
        mapping = m;
        detail = why;
        return r;
    }

    /** @return the last verdict */
    public Reach verdict() {
        return verdict;
    }

    /** @return the public mapping others dial, when the verdict is public or NAT-mapped */
    public Optional<Endpoint> mapping() {
        return Optional.ofNullable(mapping);
    }

    /** @return why, in words */
    public String detail() {
        return detail;
    }
}
