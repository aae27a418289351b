package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.node.NodeId;

class StatusBoardTest {

    final AppDescriptor d = AppDescriptor.fromHeaders(Map.of("Ringfellow-App", "calc", "Ringfellow-App-Entry",
            "app.sh", "Ringfellow-App-Size", "3"));

    static MemberStatus m(String name, AppState state, String message) {
        return new MemberStatus(name + "0".repeat(12), name, null, null, state, message);
    }

    AppStatus of(int size, MemberStatus... members) {
        return StatusBoard.aggregate(d, "sha256:x", size, List.of(members));
    }

    @Test
    void givenEveryMemberOfAFullFellowshipRunning_thenRunning() {
        AppStatus s = of(2, m("a", AppState.RUNNING, "ok"), m("b", AppState.RUNNING, "ok"));
        assertEquals(AppState.RUNNING, s.state());
        assertEquals("running on 2 of 2 member(s)", s.message());
        assertEquals(2, s.members().size());
    }

    @Test
    void givenOneMemberFailed_thenFailedWithItsNameAndReason_evenIfOthersRun() {
        AppStatus s = of(2, m("a", AppState.RUNNING, "ok"), m("b", AppState.FAILED, "exited with code 3"));
        assertEquals(AppState.FAILED, s.state());
        assertEquals("member b: exited with code 3", s.message());
    }

    @Test
    void givenAMemberMissingAndTheOthersRunning_thenDegradedWhileRecruiting() {
        AppStatus s = of(3, m("a", AppState.RUNNING, "ok"), m("b", AppState.RUNNING, "ok"));
        assertEquals(AppState.DEGRADED, s.state());
        assertEquals("2 of 3 member(s) running; recruiting", s.message());
    }

    @Test
    void givenAFullFellowshipWithOneStillStarting_thenDeploying() {
        AppStatus s = of(2, m("a", AppState.RUNNING, "ok"), m("b", AppState.DEPLOYING, "fetching"));
        assertEquals(AppState.DEPLOYING, s.state());
        assertEquals("1 of 2 member(s) running", s.message());
    }

    @Test
    void givenNoMemberRunningYet_thenDeployingNotDegraded() {
        assertEquals(AppState.DEPLOYING, of(3, m("a", AppState.DEPLOYING, "joined")).state());
    }

    @Test
    void givenARosterAndSomeStatuses_whenBoarded_thenEachMemberHasItsLastOrANoStatusYetAndLeaversAreLeftOut() {
        NodeId a = new NodeId("a".repeat(64));
        NodeId b = new NodeId("b".repeat(64));
        NodeId gone = new NodeId("c".repeat(64));
        MemberStatus aRuns = new MemberStatus(a.hex(), "alpha", null, null, AppState.RUNNING, "ok");
        MemberStatus goneRan = new MemberStatus(gone.hex(), "gamma", null, null, AppState.RUNNING, "ok");
        List<MemberStatus> members = StatusBoard.members(List.of(b, a), Map.of(a.hex(), aRuns, gone.hex(), goneRan),
                n -> n.equals(b) ? "beta" : "?");
        assertEquals(2, members.size());
        MemberStatus first = members.get(0);
        assertEquals(b.hex(), first.node());
        assertEquals("beta", first.nodeName());
        assertEquals(AppState.DEPLOYING, first.state());
        assertEquals("joined; no status yet", first.message());
        assertNull(first.containerId());
        assertEquals(aRuns, members.get(1));
        // the board over them: a member not heard from keeps a full fellowship DEPLOYING
        assertEquals(AppState.DEPLOYING, StatusBoard.aggregate(d, "sha256:x", 2, members).state());
    }
}
