package org.ringfellow.app.internal;

import java.util.List;
import java.util.Optional;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;

/** What an app's state is, as a pure function of its members' last statuses and the size it should have. */
final class StatusBoard {

    private StatusBoard() {
    }

    /**
     * The app's state: FAILED if any member failed; RUNNING once every member of a full
     * fellowship runs; DEGRADED while some run and members are missing; DEPLOYING otherwise.
     *
     * @param members one status per member of the fellowship now
     * @param size the size the app should have
     */
    static AppStatus aggregate(AppDescriptor d, String digest, int size, List<MemberStatus> members) {
        Optional<MemberStatus> failed = members.stream().filter(s -> s.state() == AppState.FAILED).findFirst();
        long running = members.stream().filter(s -> s.state() == AppState.RUNNING).count();
        AppState state;
        String message;
        if (failed.isPresent()) {
            state = AppState.FAILED;
            message = "member " + failed.get().nodeName() + ": " + failed.get().message();
        } else if (running == members.size() && members.size() >= size) {
            state = AppState.RUNNING;
            message = "running on " + running + " of " + size + " member(s)";
        } else if (running > 0 && members.size() < size) {
            state = AppState.DEGRADED;
            message = running + " of " + size + " member(s) running; recruiting";
        } else {
            state = AppState.DEPLOYING;
            message = running + " of " + size + " member(s) running";
        }
        return new AppStatus(d, digest, state, message, List.copyOf(members));
    }
}
