package org.ringfellow.app.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingView;

/**
 * Finds, for an app this node has no part in, the other Ring members that run it (label
 * {@link Labels#APPS}) and, among them, one whose ingress is advertised ({@link Labels#HTTP}) and
 * that has the fewest requests from this node outstanding.
 * Reads only {@link Ring#view()}, on any thread; the index by app is built once per snapshot
 * and shared by every request until the Ring publishes the next one, so a request copies
 * nothing. A Ring that is not running gives {@link RingView#EMPTY}: no runner, not an error.
 */
final class Router {

    /** A member that runs an app, and its ingress port (-1 if it advertises none). */
    record Runner(Member member, int httpPort) {
    }

    private record Index(RingView view, Map<String, List<Runner>> byApp) {
    }

    private final Ring ring;
    private final NodeId self;
    private volatile Index index = new Index(null, Map.of());
    private final AtomicLong builds = new AtomicLong();
    private final LeastOutstanding<NodeId> load = new LeastOutstanding<>();

    Router(Ring ring, NodeId self) {
        this.ring = ring;
        this.self = self;
    }

    /** The other live members that say they run a part of {@code app}, sorted by id. */
    List<Runner> runners(String app) {
        return index().byApp.getOrDefault(app, List.of());
    }

    /**
     * One runner of {@code app} whose ingress can be reached: the one with the fewest requests
     * this node has passed to it and not yet seen answered ({@link #begin}, {@link #end}), ties
     * broken at random, so that the load spreads and a slow member gets less of it.
     */
    Optional<Runner> pick(String app) {
        List<Runner> all = runners(app);
        List<Runner> reachable = new ArrayList<>(all.size());
        for (Runner r : all) {
            if (r.httpPort > 0) {
                reachable.add(r);
            }
        }
        if (reachable.isEmpty()) {
            return Optional.empty();
        }
        Runner best = null;
        int least = Integer.MAX_VALUE;
        int n = reachable.size();
        int start = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Runner r = reachable.get((start + i) % n);
            int c = load.outstanding(r.member().id());
            if (c < least) {
                least = c;
                best = r;
            }
        }
        return Optional.of(best);
    }

    /** A request was passed to {@code r}. */
    void begin(Runner r) {
        load.begin(r.member().id());
    }

    /** The request passed to {@code r} was answered or failed. */
    void end(Runner r) {
        load.end(r.member().id());
    }

    /** Requests passed to the member and not yet answered. */
    int outstanding(NodeId member) {
        return load.outstanding(member);
    }

    /** How often the index was built: once per Ring snapshot seen. */
    long builds() {
        return builds.get();
    }

    private Index index() {
        RingView view = ring.view();
        Index i = index;
        if (i.view == view) {
            return i;
        }
        Map<String, List<Runner>> byApp = new HashMap<>();
        for (Member m : view.members()) {
            if (m.state() != MemberState.ALIVE || m.id().equals(self)) {
                continue;
            }
            String apps = m.advert().labels().getOrDefault(Labels.APPS, "");
            if (apps.isEmpty()) {
                continue;
            }
            int port = port(m.advert().labels().getOrDefault(Labels.HTTP, ""));
            for (String app : Arrays.asList(apps.split(","))) {
                if (!app.isEmpty() && !app.startsWith(Advertiser.FOUNDER_MARK)) {
                    byApp.computeIfAbsent(app, k -> new ArrayList<>()).add(new Runner(m, port));
                }
            }
        }
        Map<String, List<Runner>> frozen = new HashMap<>();
        byApp.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        Index next = new Index(view, Map.copyOf(frozen));
        builds.incrementAndGet();
        index = next;
        return next;
    }

    private static int port(String label) {
        if (!label.matches("[0-9]{1,5}")) {
            return -1;
        }
        int p = Integer.parseInt(label);
        return p >= 1 && p <= 65535 ? p : -1;
    }
}
