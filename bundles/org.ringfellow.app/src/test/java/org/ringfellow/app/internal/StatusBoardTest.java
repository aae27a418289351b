package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;

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
}
