package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.api.ring.RingView;
import org.ringfellow.container.tck.InMemoryNode;

class RefounderTest {

    final NodeId self = id();
    final NodeId b = id();
    final NodeId c = id();
    final NodeId d = id();
    final List<NodeId> roster = List.of(self, b, c);

    static NodeId id() {
        return new NodeId(InMemoryNode.randomId());
    }

    static Member member(NodeId id, MemberState state, String apps) {
        Resources r = new Resources(2000, 1L << 30, 0);
        Map<String, String> labels = apps == null ? Map.of() : Map.of(Labels.APPS, apps);
        return new Member(id, "n-" + id.shortId(), new Endpoint("127.0.0.1", 7946), 1, state,
                new ResourceAdvert(r, r, Set.of("runc"), Set.of("command"), labels));
    }

    RingView view(Member... others) {
        List<Member> all = new ArrayList<>(List.of(others));
        all.add(member(self, MemberState.ALIVE, null));
        return RingView.of(1, all.get(all.size() - 1), all);
    }

    @Test
    void givenEveryNodeOfTheLastRosterAliveAndNoneRunningIt_whenDecided_thenFound() {
        RingView v = view(member(b, MemberState.ALIVE, null), member(c, MemberState.ALIVE, "calculatorx,other"),
                member(d, MemberState.DEAD, "calculator"));
        // a dead member's stale label does not count, nor a name that only starts like the app's
        assertInstanceOf(Refounder.Found.class, Refounder.decide("calculator", roster, self, v));
    }

    @Test
    void givenANodeOfTheLastRosterDeadOrAbsent_whenDecided_thenWaitNamingIt() {
        Refounder.Decision dead = Refounder.decide("calculator", roster, self,
                view(member(b, MemberState.ALIVE, null), member(c, MemberState.DEAD, null)));
        assertTrue(dead instanceof Refounder.Wait w && w.why().contains(c.shortId()), dead.toString());
        Refounder.Decision suspect = Refounder.decide("calculator", roster, self,
                view(member(b, MemberState.ALIVE, null), member(c, MemberState.SUSPECT, null)));
        assertTrue(suspect instanceof Refounder.Wait w && w.why().contains(c.shortId()), suspect.toString());
        // out of sight, as across a partition
        Refounder.Decision absent = Refounder.decide("calculator", roster, self, view(member(b, MemberState.ALIVE,
                null)));
        assertTrue(absent instanceof Refounder.Wait w && w.why().contains(c.shortId()), absent.toString());
    }

    @Test
    void givenAnyLiveNodeRunningIt_whenDecided_thenWait() {
        // a member recruited after this node last saw the roster still runs it
        Refounder.Decision recruit = Refounder.decide("calculator", roster, self, view(member(b, MemberState.ALIVE,
                null), member(c, MemberState.ALIVE, null), member(d, MemberState.SUSPECT, "a,calculator")));
        assertTrue(recruit instanceof Refounder.Wait w && w.why().contains("runs a part"), recruit.toString());
        // a label so full the app may have been left out of it
        String full = "x".repeat(Advertiser.MAX_LABEL - 5);
        Refounder.Decision unseen = Refounder.decide("calculator", roster, self, view(member(b, MemberState.ALIVE,
                null), member(c, MemberState.ALIVE, null), member(d, MemberState.ALIVE, full)));
        assertTrue(unseen instanceof Refounder.Wait w && w.why().contains("full"), unseen.toString());
        Refounder.Decision none = Refounder.decide("calculator", List.of(), self, view());
        assertInstanceOf(Refounder.Wait.class, none);
    }

    @Test
    void givenMembersWithLabels_whenRunnersAreAsked_thenOnlyLiveOrSuspectOthersRunningItCountNotAFoundersClaim() {
        RingView v = view(member(b, MemberState.ALIVE, "upper,x"), member(c, MemberState.SUSPECT, "upper"),
                member(d, MemberState.DEAD, "upper"));
        assertEquals(Set.of(b, c), Set.copyOf(Refounder.runners("upper", self, v)));
        RingView claim = view(member(b, MemberState.ALIVE, Advertiser.FOUNDER_MARK + "upper"),
                member(c, MemberState.ALIVE, null));
        assertEquals(List.of(), Refounder.runners("upper", self, claim));
        assertInstanceOf(Refounder.Found.class, Refounder.decide("upper", roster, self, claim));
    }

    @Test
    void givenTheConditions_whenTicked_thenFoundedOnlyOnceTheyHeldForTheQuietPeriodAndAgainAfterAFailure() {
        AtomicLong now = new AtomicLong();
        Refounder r = new Refounder(self, Duration.ofSeconds(10), now::get);
        AppRecord rec = record();
        List<String> founded = new ArrayList<>();
        Map<AppRecord, List<NodeId>> orphans = new HashMap<>(Map.of(rec, roster));
        RingView all = view(member(b, MemberState.ALIVE, null), member(c, MemberState.ALIVE, null));
        RingView cAway = view(member(b, MemberState.ALIVE, null));

        r.tick(orphans, all, x -> founded.add(x.name()));
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        r.tick(orphans, all, x -> founded.add(x.name()));
        assertEquals(List.of(), founded);
        assertTrue(r.waitingFor("upper").contains("settle"), r.waitingFor("upper"));
        // c goes away before the quiet period ends: the clock starts again when it is back
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        r.tick(orphans, cAway, x -> founded.add(x.name()));
        assertTrue(r.waitingFor("upper").contains(c.shortId()), r.waitingFor("upper"));
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        r.tick(orphans, all, x -> founded.add(x.name()));
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        r.tick(orphans, all, x -> founded.add(x.name()));
        assertEquals(List.of(), founded);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        r.tick(orphans, all, x -> founded.add(x.name()));
        assertEquals(List.of("upper"), founded);
        // the founding failed (the app is still an orphan): tried again a quiet period later, not at once
        r.tick(orphans, all, x -> founded.add(x.name()));
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        r.tick(orphans, all, x -> founded.add(x.name()));
        assertEquals(List.of("upper", "upper"), founded);
        // no longer an orphan (founded, or undeployed): forgotten
        r.tick(Map.of(), all, x -> founded.add(x.name()));
        assertNull(r.waitingFor("upper"));
    }

    private AppRecord record() {
        Map<String, String> headers = Map.of("Ringfellow-App", "upper", "Ringfellow-App-Runtime", "command",
                "Ringfellow-App-Entry", "upper.sh");
        return new AppRecord("upper", "sha256:" + "ab".repeat(32), 100, headers, self.hex(), 3, null);
    }
}
