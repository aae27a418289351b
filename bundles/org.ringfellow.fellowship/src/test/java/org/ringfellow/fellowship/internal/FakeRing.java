package org.ringfellow.fellowship.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingEvent;
import org.ringfellow.api.ring.RingStats;

/**
 * One node's view of a simulated Ring: the records are shared by every node of the test, the
 * states are this node's own beliefs, which the test changes (and so fires RingEvents) by hand.
 */
final class FakeRing implements Ring {

    /** The records every node can see: what members advertise. */
    static final class World {
        final Map<NodeId, Member> records = new ConcurrentHashMap<>();
    }

    private final NodeId self;
    private final World world;
    private final Map<NodeId, MemberState> view = new ConcurrentHashMap<>();
    volatile Consumer<RingEvent> listener = e -> { };

    FakeRing(NodeId self, World world) {
        this.self = self;
        this.world = world;
    }

    void believe(NodeId node, MemberState state) {
        MemberState before = view.put(node, state);
        if (before == state) {
            return;
        }
        RingEvent.Type type = switch (state) {
            case ALIVE -> before == null || before == MemberState.DEAD || before == MemberState.LEFT
                    ? RingEvent.Type.JOINED : RingEvent.Type.ALIVE;
            case SUSPECT -> RingEvent.Type.SUSPECTED;
            case DEAD -> RingEvent.Type.DEAD;
            case LEFT -> RingEvent.Type.LEFT;
        };
        lookup(node).ifPresent(m -> listener.accept(new RingEvent(type, m)));
    }

    private Member withState(Member m) {
        MemberState s = m.id().equals(self) ? MemberState.ALIVE : view.getOrDefault(m.id(), MemberState.DEAD);
        return new Member(m.id(), m.name(), m.address(), m.incarnation(), s, m.advert());
    }

    /** When set, the Ring reads as a member that is not running: an empty view, self() throws. */
    volatile boolean down;

    @Override
    public org.ringfellow.api.ring.RingView view() {
        if (down) {
            return org.ringfellow.api.ring.RingView.EMPTY;
        }
        return org.ringfellow.api.ring.RingView.of(0, withState(world.records.get(self)), all());
    }

    private List<Member> all() {
        return world.records.values().stream().map(this::withState).toList();
    }

    private Optional<Member> lookup(NodeId id) {
        return Optional.ofNullable(world.records.get(id)).map(this::withState);
    }

    // The real Ring's member calls once waited on its loop; the fellowship must read view() only.
    @Override
    public Member self() {
        throw new AssertionError("the fellowship called Ring.self(); it must read Ring.view()");
    }

    @Override
    public List<Member> members() {
        throw new AssertionError("the fellowship called Ring.members(); it must read Ring.view()");
    }

    @Override
    public Optional<Member> member(NodeId id) {
        throw new AssertionError("the fellowship called Ring.member(); it must read Ring.view()");
    }

    @Override
    public void join(List<Endpoint> seeds) {
    }

    @Override
    public void leave() {
    }

    @Override
    public List<Member> find(ResourceQuery q) {
        List<Member> out = new ArrayList<>();
        for (Member m : down ? List.<Member>of() : all()) {
            boolean match = m.state() == MemberState.ALIVE && !q.exclude().contains(m.id())
                    && m.advert().free().covers(q.minimumFree())
                    && (q.anyDriver().isEmpty() || q.anyDriver().stream().anyMatch(m.advert().drivers()::contains))
                    && m.advert().runtimes().containsAll(q.runtimes())
                    && q.labels().entrySet().stream().allMatch(e -> e.getValue().equals(m.advert().labels().get(e.getKey())));
            if (match) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(Member::id));
        return out.subList(0, Math.min(q.limit(), out.size()));
    }

    @Override
    public List<Member> successors(byte[] key, int k) {
        return List.of();
    }

    @Override
    public RingStats stats() {
        return new RingStats(0, 0, 0, 0, Map.of(), 0, 0, Map.of());
    }
}
