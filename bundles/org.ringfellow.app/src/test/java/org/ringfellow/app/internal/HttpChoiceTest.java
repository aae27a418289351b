package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.container.tck.InMemoryNode;

/** Which member answers a request for an app, by the app's HTTP mode and the members' states and load. */
class HttpChoiceTest {

    final NodeId self = new NodeId(InMemoryNode.randomId());
    final NodeId b = new NodeId(InMemoryNode.randomId());
    final NodeId c = new NodeId(InMemoryNode.randomId());
    final List<NodeId> roster = List.of(self, b, c);
    final Map<String, MemberStatus> statuses = new HashMap<>();
    final LeastOutstanding<NodeId> load = new LeastOutstanding<>();

    void state(NodeId n, AppState s) {
        statuses.put(n.hex(), new MemberStatus(n.hex(), n.shortId(), null, null, s, s.toString()));
    }

    HttpChoice.Target choose(HttpMode mode, NodeId coordinator, boolean acting, boolean selfServing,
            Set<NodeId> excluded) {
        return HttpChoice.choose("calc", mode, self, coordinator, acting, selfServing, roster, statuses, load,
                excluded);
    }

    HttpChoice.Target stateless(boolean selfServing) {
        return choose(HttpMode.STATELESS, b, false, selfServing, Set.of());
    }

    @Test
    void givenADefaultApp_whenThisMemberRunsAndIsNotTheCoordinator_thenTheCoordinatorStillGetsEveryRequest() {
        for (NodeId n : roster) {
            state(n, AppState.RUNNING);
        }
        load.begin(b);
        load.begin(b);
        for (int k = 0; k < 50; k++) {
            assertEquals(new HttpChoice.Remote(b), choose(HttpMode.COORDINATOR, b, false, true, Set.of()));
        }
    }

    @Test
    void givenADefaultApp_whenThisNodeCoordinates_thenItServesOnlyWhileItActs() {
        assertInstanceOf(HttpChoice.Local.class, choose(HttpMode.COORDINATOR, self, true, true, Set.of()));
        HttpChoice.Target stepped = choose(HttpMode.COORDINATOR, self, false, true, Set.of());
        HttpChoice.Refused r = assertInstanceOf(HttpChoice.Refused.class, stepped);
        assertEquals(503, r.response().status());
        assertTrue(new String(r.response().body(), StandardCharsets.UTF_8).contains("has stepped down"));
    }

    @Test
    void givenAStatelessApp_whenThisMemberRuns_thenItServesItselfEvenIfOthersAreIdle() {
        state(b, AppState.RUNNING);
        state(c, AppState.RUNNING);
        for (int k = 0; k < 10; k++) {
            load.begin(self);
        }
        for (int k = 0; k < 50; k++) {
            assertInstanceOf(HttpChoice.Local.class, stateless(true));
        }
    }

    @Test
    void givenAStatelessAppNotRunningHere_thenTheRunningMemberWithTheFewestOutstandingIsChosen() {
        state(self, AppState.DEPLOYING);
        state(b, AppState.RUNNING);
        state(c, AppState.RUNNING);
        load.begin(b);
        load.begin(b);
        load.begin(c);
        assertEquals(new HttpChoice.Remote(c), stateless(false));
        load.begin(c);
        load.begin(c);
        assertEquals(new HttpChoice.Remote(b), stateless(false), "c has 3 outstanding, b 2");
        load.end(c);
        load.end(c);
        load.end(c);
        load.end(b);
        load.end(b);
        // no request outstanding: both share the load
        Set<HttpChoice.Target> seen = new HashSet<>();
        for (int k = 0; k < 200; k++) {
            seen.add(stateless(false));
        }
        assertEquals(Set.of(new HttpChoice.Remote(b), new HttpChoice.Remote(c)), seen);
        assertEquals(0, load.targets(), "no entry is kept for a member with nothing outstanding");
    }

    @Test
    void givenMembersThatDoNotRun_thenTheyGetNoRequestAndWithNoneRunningTheAnswerIs503() {
        state(b, AppState.FAILED);
        state(c, AppState.RUNNING);
        for (int k = 0; k < 5; k++) {
            load.begin(c);
        }
        for (int k = 0; k < 100; k++) {
            assertEquals(new HttpChoice.Remote(c), stateless(false), "a failed member gets none, even idle");
        }
        state(c, AppState.DEPLOYING);
        HttpChoice.Refused none = assertInstanceOf(HttpChoice.Refused.class, stateless(false));
        assertEquals(503, none.response().status());
        assertEquals("2", none.response().headers().get(AppGateway.RETRY_AFTER));
        statuses.remove(c.hex());
        assertInstanceOf(HttpChoice.Refused.class, stateless(false), "a member with no status yet gets none");
    }

    @Test
    void givenMembersThatRefusedOrFailedTheRequest_thenTheyAreLeftOut() {
        state(b, AppState.RUNNING);
        state(c, AppState.RUNNING);
        load.begin(c);
        assertEquals(new HttpChoice.Remote(c), choose(HttpMode.STATELESS, b, false, false, Set.of(b)));
        assertInstanceOf(HttpChoice.Refused.class, choose(HttpMode.STATELESS, b, false, false, Set.of(b, c)));
        assertEquals(new HttpChoice.Remote(b), choose(HttpMode.STATELESS, b, false, true, Set.of(self)),
                "this member's own part failed the request");
    }

    @Test
    void givenMethods_thenOnlyIdempotentOnesMayBeSentAgain() {
        for (String m : List.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE")) {
            assertTrue(HttpChoice.idempotent(m), m);
        }
        for (String m : List.of("POST", "PATCH", "CONNECT", "get")) {
            assertFalse(HttpChoice.idempotent(m), m);
        }
    }

    @Test
    void givenTheManifestHeader_thenTheModeIsReadOrTheHeaderRefusedByName() {
        assertEquals(HttpMode.COORDINATOR, HttpMode.of(Map.of()));
        assertEquals(HttpMode.STATELESS, HttpMode.of(Map.of(HttpMode.HEADER, " Stateless ")));
        assertEquals(HttpMode.COORDINATOR, HttpMode.of(Map.of(HttpMode.HEADER, "coordinator")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpMode.of(Map.of(HttpMode.HEADER, "yes")));
        assertTrue(e.getMessage().startsWith("Ringfellow-App-Http must be 'coordinator'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got 'yes'"), e.getMessage());

        Map<String, String> headers = new HashMap<>(Map.of("Ringfellow-App", "calc", "Ringfellow-App-Entry", "a.sh"));
        assertEquals(HttpMode.COORDINATOR, new AppRecord("calc", "sha256:" + "ab".repeat(32), 10, headers, "f", 1,
                null).http());
        headers.put(HttpMode.HEADER, "stateless");
        assertEquals(HttpMode.STATELESS, new AppRecord("calc", "sha256:" + "ab".repeat(32), 10, headers, "f", 1,
                null).http());
        headers.put(HttpMode.HEADER, "sometimes");
        assertThrows(IllegalArgumentException.class, () -> new AppRecord("calc", "sha256:" + "ab".repeat(32), 10,
                headers, "f", 1, null), "a record is validated with the header");
    }
}
