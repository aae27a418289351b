package org.ringfellow.fellowship.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipEvent;
import org.ringfellow.api.fellowship.FellowshipEvent.Type;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipListener;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;

/** The listener whiteboard: every event of every fellowship of the node, invited or founded. */
class WhiteboardListenerTest {

    static final FellowshipId F = new FellowshipId("board");

    Cluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static FellowshipSpec spec(int size) {
        return new FellowshipSpec(F, size, new ResourceQuery(Resources.NONE, Set.of(), Set.of(), Map.of(), Set.of(),
                100), Resources.NONE, Duration.ofSeconds(5));
    }

    static boolean has(List<FellowshipEvent> events, Type type, NodeId member) {
        return events.stream().anyMatch(e -> e.type() == type && e.fellowship().equals(F)
                && e.member().equals(Optional.of(member)));
    }

    @Test
    void givenWhiteboardListeners_whenFoundedJoinedMessagedAndDissolved_thenEachNodeHearsEveryEventOfItsFellowships()
            throws Exception {
        cluster = new Cluster(3);
        List<List<FellowshipEvent>> heard = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
                new CopyOnWriteArrayList<>());
        for (int i = 0; i < 3; i++) {
            // A failing listener bound first must not keep the events from the others.
            cluster.node(i).engine.addListener(e -> {
                throw new IllegalStateException("a broken listener");
            });
            cluster.node(i).engine.addListener(heard.get(i)::add);
        }

        Fellowship f = cluster.node(0).engine.create(spec(3)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        NodeId n0 = cluster.node(0).id();
        NodeId n1 = cluster.node(1).id();
        NodeId n2 = cluster.node(2).id();

        // The founder hears itself join first, then each recruit.
        Cluster.await("the founder heard both recruits", () -> has(heard.get(0), Type.MEMBER_JOINED, n1)
                && has(heard.get(0), Type.MEMBER_JOINED, n2));
        FellowshipEvent first = heard.get(0).get(0);
        assertEquals(Type.MEMBER_JOINED, first.type());
        assertEquals(Optional.of(n0), first.member());
        // Each invited member hears that it joined, with a roster that lists it; it was never subscribed.
        for (int i : new int[] {1, 2}) {
            NodeId me = cluster.node(i).id();
            List<FellowshipEvent> events = heard.get(i);
            Cluster.await(cluster.node(i) + " heard itself admitted", () -> has(events, Type.MEMBER_JOINED, me));
            FellowshipEvent joined = events.stream().filter(e -> e.member().equals(Optional.of(me))).findFirst()
                    .orElseThrow();
            assertTrue(joined.roster().contains(me) && joined.roster().contains(n0), joined.roster().toString());
        }

        // Messages reach the whiteboard of the receiver.
        f.send(n1, "hello", "one".getBytes(StandardCharsets.UTF_8));
        Cluster.await("n1 heard the message", () -> heard.get(1).stream().anyMatch(e -> e.type() == Type.MESSAGE
                && e.message().map(m -> m.topic().equals("hello") && m.from().equals(n0)).orElse(false)));

        // A listener bound late first hears that this node is a member, then what follows.
        List<FellowshipEvent> late = new CopyOnWriteArrayList<>();
        cluster.node(2).engine.addListener(late::add);
        Cluster.await("the late listener heard the catch-up", () -> has(late, Type.MEMBER_JOINED, n2));
        assertEquals(1, late.size(), "one catch-up event: " + late);
        assertTrue(late.get(0).roster().contains(n1), "the catch-up carries the current roster");

        // An unbound listener hears nothing more; the others carry on.
        List<FellowshipEvent> removed = new CopyOnWriteArrayList<>();
        cluster.node(1).engine.addListener(removed::add);
        Cluster.await("the extra listener is bound", () -> has(removed, Type.MEMBER_JOINED, n1));
        cluster.node(1).engine.removeListener(removed::add); // another lambda: not bound, nothing happens
        List<FellowshipEvent> gone = new CopyOnWriteArrayList<>();
        FellowshipListener toUnbind = gone::add;
        cluster.node(1).engine.addListener(toUnbind);
        Cluster.await("the listener to unbind is bound", () -> !gone.isEmpty());
        cluster.node(1).engine.removeListener(toUnbind);
        f.send(n1, "after", new byte[1]);
        Cluster.await("n1 heard the second message", () -> heard.get(1).stream().anyMatch(e -> e.type() == Type.MESSAGE
                && e.message().map(m -> m.topic().equals("after")).orElse(false)));
        Cluster.await("the still-bound extra listener heard it too", () -> removed.stream()
                .anyMatch(e -> e.type() == Type.MESSAGE));
        assertTrue(gone.stream().noneMatch(e -> e.type() == Type.MESSAGE), "the unbound listener heard " + gone);

        f.dissolve();
        for (int i = 0; i < 3; i++) {
            NodeId me = cluster.node(i).id();
            List<FellowshipEvent> events = heard.get(i);
            Cluster.await(cluster.node(i) + " heard DISSOLVED", () -> has(events, Type.DISSOLVED, me));
        }
        assertTrue(late.stream().anyMatch(e -> e.type() == Type.DISSOLVED), "the late listener heard DISSOLVED");
    }

    @Test
    void givenAFoundingThatFails_whenNobodyAccepts_thenTheWhiteboardHearsJoinedThenDissolved() throws Exception {
        cluster = new Cluster(1);
        List<FellowshipEvent> heard = new CopyOnWriteArrayList<>();
        cluster.node(0).engine.addListener(heard::add);
        cluster.node(0).engine.create(spec(2)).toCompletableFuture().handle((x, e) -> null)
                .get(30, TimeUnit.SECONDS);
        NodeId me = cluster.node(0).id();
        Cluster.await("DISSOLVED heard", () -> has(heard, Type.DISSOLVED, me));
        assertEquals(List.of(Type.MEMBER_JOINED, Type.DISSOLVED), heard.stream().map(FellowshipEvent::type).toList());
    }
}
