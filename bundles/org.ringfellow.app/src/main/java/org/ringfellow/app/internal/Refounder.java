package org.ringfellow.app.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.RingView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Founds an app again, from the node that deployed it, once its fellowship is gone. Memberships
 * do not outlive a restart, so when every member of an app's fellowship restarts before the
 * members it recruited have joined (churn that goes round the nodes), no seat is left and no node
 * runs the app; only the founder's record outlives it. The founder then founds the app again from
 * that record and the artifact it keeps, under the same name and size.
 *
 * <p>It does so only when it can tell the fellowship is gone rather than out of sight: every node
 * of the last roster it knew (kept in its node store, {@link AppRecords#roster}) is alive on the
 * Ring again, no live member advertises the app ({@link Labels#APPS}), none has an apps label so
 * full it might have left the app out ({@link Advertiser#MAX_LABEL}), and all that has held for a
 * quiet period, long enough for the Ring to carry every member's labels. In a partition the nodes
 * on the other side are not alive in this node's view, so the founder waits: it never founds a
 * second fellowship beside one that still runs. A node of the last roster that never comes back
 * keeps the app absent until the operator runs {@code app:undeploy} and deploys it again.
 *
 * <p>{@link #decide} is a pure function of the roster and a Ring snapshot; {@link #tick} keeps the
 * quiet period and is called from the engine's timer only.
 */
final class Refounder {

    private static final Logger LOG = LoggerFactory.getLogger(Refounder.class);
    /** How long the conditions must hold before the app is founded again. */
    static final Duration QUIET = Duration.ofSeconds(10);

    /** What the founder should do about an app whose fellowship it is not in. */
    sealed interface Decision permits Wait, Found {
    }

    /** Not yet, and why (logged when it changes, shown in the app's status). */
    record Wait(String why) implements Decision {
    }

    /** Found the app again. */
    record Found() implements Decision {
    }

    /** Founds an app again from its record; runs it on a thread of its own (it recruits and waits). */
    interface Founding {
        void found(AppRecord record);
    }

    private final NodeId self;
    private final Duration quiet;
    private final LongSupplier nanoTime;
    /** Since when (nanoTime) each app's conditions have held. */
    private final Map<String, Long> holdingSince = new HashMap<>();
    /** The last reason each app waits for, as logged and shown. */
    private final Map<String, String> waiting = new ConcurrentHashMap<>();

    Refounder(NodeId self, Duration quiet, LongSupplier nanoTime) {
        this.self = self;
        this.quiet = quiet;
        this.nanoTime = nanoTime;
    }

    /**
     * Whether the app can be founded again now, by the roster of its last fellowship this node
     * knew and what the Ring shows.
     */
    static Decision decide(String app, List<NodeId> lastRoster, NodeId self, RingView view) {
        if (lastRoster.isEmpty()) {
            return new Wait("this node knows no roster of its last fellowship");
        }
        Map<NodeId, Member> byId = new HashMap<>();
        for (Member m : view.members()) {
            byId.put(m.id(), m);
            if (m.id().equals(self) || m.state() == MemberState.DEAD) {
                continue;
            }
            String apps = m.advert().labels().getOrDefault(Labels.APPS, "");
            if (Arrays.asList(apps.split(",")).contains(app)) {
                return new Wait(name(m) + " runs a part of it");
            }
            if (apps.length() + app.length() + 1 > Advertiser.MAX_LABEL) {
                return new Wait(name(m) + "'s apps label is full, so it may run a part of it unseen");
            }
        }
        for (NodeId n : lastRoster) {
            if (n.equals(self)) {
                continue;
            }
            Member m = byId.get(n);
            if (m == null || m.state() != MemberState.ALIVE) {
                return new Wait("node " + n.shortId() + " of its last fellowship is not alive on the Ring"
                        + " (it may run the app out of sight)");
            }
        }
        return new Found();
    }

    /**
     * One round for the apps this node founded and is not a member of: each one whose conditions
     * have held for the quiet period is handed to {@code founding} (and its clock reset, so a
     * founding that fails is tried again a quiet period later).
     *
     * @param orphans the founder records of apps whose fellowship this node is not in, with the
     *     last roster kept for each
     */
    void tick(Map<AppRecord, List<NodeId>> orphans, RingView view, Founding founding) {
        long now = nanoTime.getAsLong();
        Set<String> names = new java.util.HashSet<>();
        for (Map.Entry<AppRecord, List<NodeId>> e : orphans.entrySet()) {
            String app = e.getKey().name();
            names.add(app);
            Decision d = decide(app, e.getValue(), self, view);
            if (d instanceof Wait w) {
                holdingSince.remove(app);
                if (!w.why().equals(waiting.put(app, w.why()))) {
                    LOG.info("App {}: its fellowship is gone from this node; not founded again yet: {}", app, w.why());
                }
                continue;
            }
            Long since = holdingSince.putIfAbsent(app, now);
            if (since == null) {
                waiting.put(app, "waiting " + quiet.toSeconds() + " s for the Ring to settle");
                continue;
            }
            if (now - since >= quiet.toNanos()) {
                holdingSince.remove(app);
                waiting.put(app, "being founded again");
                LOG.info("App {}: every node of its last fellowship is back on the Ring and none runs it; "
                        + "founding it again from this node's record", app);
                founding.found(e.getKey());
            }
        }
        holdingSince.keySet().retainAll(names);
        waiting.keySet().retainAll(names);
    }

    /** The other members, not dead, that advertise a part of the app. */
    static List<NodeId> runners(String app, NodeId self, RingView view) {
        List<NodeId> out = new java.util.ArrayList<>();
        for (Member m : view.members()) {
            if (!m.id().equals(self) && m.state() != MemberState.DEAD && Arrays.asList(m.advert().labels()
                    .getOrDefault(Labels.APPS, "").split(",")).contains(app)) {
                out.add(m.id());
            }
        }
        return out;
    }

    /** Why the app is not founded again yet, or null if this node does not wait for it. */
    String waitingFor(String app) {
        return waiting.get(app);
    }

    private static String name(Member m) {
        return m.name() + " (" + m.id().shortId() + ")";
    }
}
