package org.ringfellow.api.ring;

import java.util.Map;

/**
 * Counters of this node's Ring protocol, as {@code ring:stats} shows them.
 *
 * @param messagesIn messages received
 * @param messagesOut messages sent
 * @param bytesIn bytes received
 * @param bytesOut bytes sent
 * @param drops messages dropped, by reason (malformed, oversized, bad signature, ...)
 * @param protocolPeriodMillis the current probe period, after the health multiplier
 * @param healthMultiplier Lifeguard's local health multiplier (0 = healthy)
 * @param membersByState how many members this node sees in each state
 */
public record RingStats(long messagesIn, long messagesOut, long bytesIn, long bytesOut, Map<String, Long> drops,
        long protocolPeriodMillis, int healthMultiplier, Map<MemberState, Integer> membersByState) {

    /** Makes the maps immutable. */
    public RingStats {
        drops = Map.copyOf(drops);
        membersByState = Map.copyOf(membersByState);
    }
}
