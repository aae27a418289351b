package org.ringfellow.app.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ringfellow.api.app.AppGateway;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.node.NodeId;

/**
 * Which member's app answers an HTTP request that reached a member of the app: a pure function
 * of what the member knows (the app's {@link HttpMode}, the roster, the members' last statuses,
 * the requests it has outstanding at each), so the choice is tested without nodes.
 *
 * <ul>
 *   <li>{@link HttpMode#COORDINATOR} (the default): the coordinator's app, as before; the
 *       coordinator itself serves only while it acts as one (a stepped-down coordinator answers
 *       503, docs/reliability.md defect 2).</li>
 *   <li>{@link HttpMode#STATELESS}: this member's own app if it runs; else, among the other
 *       members whose last status is {@code RUNNING}, the one with the fewest requests outstanding
 *       from this member. A member starting, failed or stopped gets none; none running: 503.</li>
 * </ul>
 */
final class HttpChoice {

    /** Where a request goes. */
    sealed interface Target {
    }

    /** To this node's own part of the app. */
    record Local() implements Target {
    }

    /** Over the fellowship to another member. */
    record Remote(NodeId member) implements Target {
    }

    /** Nobody can take it now: the answer to give. */
    record Refused(HttpResponse response) implements Target {
    }

    private static final Local LOCAL = new Local();

    private HttpChoice() {
    }

    /**
     * Chooses.
     *
     * @param app the app's name, for the refusals' text
     * @param mode how the app's HTTP is served
     * @param self this node
     * @param coordinator the roster's coordinator
     * @param acting whether this node acts as the coordinator now (it may be the roster's and have stepped down)
     * @param selfServing whether this node's part runs with its app connected
     * @param roster the roster's members
     * @param statuses the members' last statuses, by node id (hex)
     * @param load the requests this node has outstanding at each member
     * @param excluded members not to choose (they refused or failed this request already)
     * @return the target
     */
    static Target choose(String app, HttpMode mode, NodeId self, NodeId coordinator, boolean acting,
            boolean selfServing, List<NodeId> roster, Map<String, MemberStatus> statuses,
            LeastOutstanding<NodeId> load, Set<NodeId> excluded) {
        if (mode != HttpMode.STATELESS) {
            if (!coordinator.equals(self)) {
                return new Remote(coordinator);
            }
            if (!acting) {
                // named in the roster but no longer acting (no majority of the fellowship in sight):
                // serving now could answer beside a newly elected coordinator, a split brain for an
                // app with state; the member protocol refuses the same way (docs/reliability.md)
                return new Refused(HttpResponse.text(503, "text/plain", "app " + app
                        + ": this node was its coordinator and has stepped down (no majority of the fellowship "
                        + "in sight); it answers again once the fellowship has an acting coordinator\n"));
            }
            return LOCAL;
        }
        if (selfServing && !excluded.contains(self)) {
            return LOCAL;
        }
        List<NodeId> running = new ArrayList<>(roster.size());
        for (NodeId m : roster) {
            if (m.equals(self) || excluded.contains(m)) {
                continue;
            }
            MemberStatus s = statuses.get(m.hex());
            if (s != null && s.state() == AppState.RUNNING) {
                running.add(m);
            }
        }
        return load.pick(running).<Target>map(Remote::new).orElseGet(() -> new Refused(new HttpResponse(503,
                Map.of("Content-Type", "text/plain; charset=utf-8", AppGateway.RETRY_AFTER, "2"),
                ("app " + app + ": no member runs it now (starting, restarting or failed); try again shortly\n")
                        .getBytes(StandardCharsets.UTF_8))));
    }

    /** Methods RFC 9110 calls idempotent: sent again to another member if the first one died on it. */
    static boolean idempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }
}
