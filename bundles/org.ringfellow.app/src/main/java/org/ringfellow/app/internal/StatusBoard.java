package org.ringfellow.app.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.node.NodeId;

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

    /**
     * One status per member of the roster, in roster order: the last one it published, or
     * DEPLOYING "joined; no status yet" for a member not heard from. Statuses of nodes no
     * longer in the roster are left out.
     *
     * @param roster the fellowship's members now
     * @param last the last status each member published, by node id (hex)
     * @param nameOf a member's node name
     */
    static List<MemberStatus> members(List<NodeId> roster, Map<String, MemberStatus> last,
            Function<NodeId, String> nameOf) {
        List<MemberStatus> members = new ArrayList<>(roster.size());
        for (NodeId n : roster) {
            MemberStatus s = last.get(n.hex());
            members.add(s != null ? s : new MemberStatus(n.hex(), nameOf.apply(n), null, null,
                    AppState.DEPLOYING, "joined; no status yet"));
        }
        return members;
    }
}
