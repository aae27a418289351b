package org.ringfellow.api.ring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ringfellow.api.node.NodeId;

/**
 * An immutable snapshot of this node's view of the Ring. The Ring publishes a new one whenever
 * its view changes; readers take the latest with {@link Ring#view()} on any thread, without a
 * hand-off to the Ring's own thread. A Ring member that is not running reads as {@link #EMPTY}.
 */
public final class RingView {

    /** The view of a Ring member that is not running: no self, no members, version 0. */
    public static final RingView EMPTY = new RingView(0, Optional.empty(), List.of());

    private final long version;
    private final Optional<Member> self;
    private final List<Member> members;
    private final Map<NodeId, Member> byId;

    private RingView(long version, Optional<Member> self, List<Member> members) {
        this.version = version;
        this.self = self;
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::id));
        this.members = List.copyOf(sorted);
        Map<NodeId, Member> index = new HashMap<>();
        for (Member m : this.members) {
            if (index.put(m.id(), m) != null) {
                throw new IllegalArgumentException("member " + m.id().shortId() + " appears twice in a view");
            }
        }
        this.byId = Map.copyOf(index);
    }

    /**
     * Makes a snapshot.
     *
     * @param version a number that grows with every change of the view
     * @param self this node's own record, itself also one of {@code members}
     * @param members every member known, in any state
     * @return the snapshot, its members sorted by id (their order on the identifier ring)
     * @throws IllegalArgumentException if a member appears twice or {@code self} is not among them
     */
    public static RingView of(long version, Member self, List<Member> members) {
        RingView v = new RingView(version, Optional.of(self), members);
        if (!self.equals(v.byId.get(self.id()))) {
            throw new IllegalArgumentException("the view must hold its own member record");
        }
        return v;
    }

    /**
     * Returns the version of this view.
     *
     * @return 0 for {@link #EMPTY}; otherwise a number that grows with every change
     */
    public long version() {
        return version;
    }

    /**
     * Returns this node's own record.
     *
     * @return the local member, or empty if the Ring member is not running
     */
    public Optional<Member> self() {
        return self;
    }

    /**
     * Returns every member known, in any state, this node included.
     *
     * @return the members sorted by id
     */
    public List<Member> members() {
        return members;
    }

    /**
     * Looks up one member.
     *
     * @param id the member's id
     * @return the member, or empty if the view does not hold it
     */
    public Optional<Member> member(NodeId id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * Tells whether a member is ALIVE or SUSPECT in this view (a suspect may still refute).
     *
     * @param id the member's id
     * @return true if the view holds it as ALIVE or SUSPECT
     */
    public boolean isLive(NodeId id) {
        Member m = byId.get(id);
        return m != null && (m.state() == MemberState.ALIVE || m.state() == MemberState.SUSPECT);
    }

    /**
     * Tells whether this view comes from a running Ring member.
     *
     * @return false for {@link #EMPTY}
     */
    public boolean isRunning() {
        return self.isPresent();
    }

    @Override
    public String toString() {
        return "RingView[version=" + version + ", members=" + members.size() + "]";
    }
}
