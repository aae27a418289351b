package org.ringfellow.app.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipException;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.MemberState;
import org.ringfellow.api.ring.Ring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What only an app's coordinator does: resize the app (after checking that the Ring can give
 * the new size, and telling every member the size so that it outlives the coordinator) and
 * undeploy it (every other member stops its part, then the fellowship is dissolved). Runs on
 * the engine's workers or the caller's thread: both wait for the members.
 */
final class CoordinatorOps {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorOps.class);

    private final Ring ring;
    private final AppRecords records;
    private final NodeId self;
    private final Duration stopTimeout;
    /** Stops this node's part of an app and forgets it (app, why). */
    private final BiConsumer<String, String> removeLocally;

    CoordinatorOps(Ring ring, AppRecords records, NodeId self, Duration stopTimeout,
            BiConsumer<String, String> removeLocally) {
        this.ring = ring;
        this.records = records;
        this.self = self;
        this.stopTimeout = stopTimeout;
        this.removeLocally = removeLocally;
    }

    /** Checks that the Ring can give the new size, tells every member, and resizes the fellowship. */
    void scale(String name, Fellowship f, int size) throws AppException {
        AppRecord r = records.load(name).orElseThrow(() -> new AppException("no record of app " + name));
        AppDescriptor d = r.descriptor();
        int have = f.roster().members().size();
        if (size > have) {
            Set<NodeId> in = new java.util.HashSet<>();
            f.roster().members().forEach(m -> in.add(m.node()));
            long more = ring.find(Placement.query(d)).stream().filter(m -> !in.contains(m.id())).count();
            if (have + more < size) {
                throw new AppException("app " + name + " cannot grow to " + size + ": the Ring offers " + more
                        + " more member(s) with " + Placement.limits(d) + " free and runtime " + d.runtime());
            }
        }
        records.save(r.withSize(size));
        try {
            if (f.roster().members().size() > 1) {
                f.broadcast(Wire.SIZE, Wire.encode(new Wire.Scale(size)));
            }
            f.resize(size);
        } catch (FellowshipException e) {
            throw new AppException("could not resize the fellowship of " + name + ": " + e.getMessage(), e);
        }
        LOG.info("App {}: scaling from {} to {} member(s)", name, have, size);
    }

    /**
     * Asks every other member to stop its part, removes this node's, and dissolves the fellowship.
     * Refused while the app's founder is alive on the Ring outside the fellowship (it restarted):
     * it keeps the app's record and would found the app again once no node runs it
     * ({@link Refounder}), so it must drop its record first ({@code app:undeploy} there).
     */
    void undeploy(String name, Fellowship f) throws AppException {
        String claim = Advertiser.FOUNDER_MARK + name;
        for (Member m : ring.view().members()) {
            if (!m.id().equals(self) && m.state() != MemberState.DEAD && java.util.Arrays.asList(m.advert().labels()
                    .getOrDefault(Labels.APPS, "").split(",")).contains(claim)) {
                throw new AppException("app " + name + "'s founder " + m.name() + " (" + m.id().shortId()
                        + ") is not in its fellowship (it restarted) and keeps its record, so it would found it "
                        + "again: run app:undeploy " + name + " on " + m.name() + " first, then here");
            }
        }
        List<CompletableFuture<String>> stops = new ArrayList<>();
        for (FellowshipMember m : f.roster().members()) {
            if (m.node().equals(self)) {
                continue;
            }
            stops.add(f.request(m.node(), Wire.STOP, new byte[0], stopTimeout).toCompletableFuture()
                    .handle((reply, e) -> e != null ? m.node().shortId() + ": " + AppInstance.message(e) : null));
        }
        List<String> problems = new ArrayList<>();
        for (CompletableFuture<String> s : stops) {
            String p = s.join();
            if (p != null) {
                problems.add(p);
            }
        }
        removeLocally.accept(name, "undeployed");
        try {
            f.dissolve();
        } catch (FellowshipException e) {
            problems.add("dissolve: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            LOG.warn("App {} undeployed; members that did not confirm (they clean up when the fellowship "
                    + "dissolves): {}", name, problems);
        }
    }
}
