package org.ringfellow.api.ring;

import java.util.List;
import java.util.Optional;
import org.ringfellow.api.node.LatencyHistogram;
import org.ringfellow.api.node.NodeId;

/**
 * The Ring as seen from this node: the public overlay, its membership and discovery.
 */
public interface Ring {

    /** The Ring's port (UDP and TCP) when none is configured, and the port of a seed given without one. */
    int DEFAULT_PORT = 7946;

    /**
     * Returns the latest snapshot of this node's view of the Ring. Never blocks and never
     * throws: a Ring member that is not running reads as {@link RingView#EMPTY}. This is what
     * other components read; {@link #members()} and {@link #member} are views of it.
     *
     * @return the current view
     */
    RingView view();

    /**
     * Returns this node's own member record.
     *
     * @return the local member
     */
    Member self();

    /**
     * Returns every member this node knows of, in any state, itself included.
     *
     * @return a snapshot of the membership view
     */
    default List<Member> members() {
        return view().members();
    }

    /**
     * Looks up one member.
     *
     * @param id the member's id
     * @return the member, or empty if this node does not know it
     */
    default Optional<Member> member(NodeId id) {
        return view().member(id);
    }

    /**
     * Joins the Ring through seed members. Returns once at least one seed answered.
     *
     * @param seeds addresses of members already in the Ring
     * @throws RingException if no seed could be reached
     */
    void join(List<Endpoint> seeds) throws RingException;

    /** Leaves the Ring gracefully: the departure is announced before this returns. */
    void leave();

    /**
     * Finds alive members that match a query, best fit first (the most free resources
     * relative to what was asked, then the lowest id for stable order).
     *
     * @param query what the members must offer
     * @return at most {@code query.limit()} members
     */
    List<Member> find(ResourceQuery query);

    /**
     * Returns the {@code k} alive members whose ids follow the SHA-256 of {@code key} on the
     * identifier ring: where that key is placed.
     *
     * @param key the key, for example an artifact digest
     * @param k how many successors, at least 1
     * @return up to {@code k} members in ring order
     */
    List<Member> successors(byte[] key, int k);

    /**
     * Returns the protocol's counters.
     *
     * @return a snapshot of the counters
     */
    RingStats stats();

    /**
     * Returns the round-trip times of this node's probes answered directly: from the ping sent to its ack, for
     * each probe acknowledged before its direct timeout (one that needed helpers or the TCP fallback is not in
     * it). Bounds: 0.5 ms to 1 s.
     *
     * @return the histogram's counts now; empty buckets where the implementation does not measure them
     */
    default LatencyHistogram.Snapshot probeRoundTrips() {
        return new LatencyHistogram(1).snapshot();
    }
}
