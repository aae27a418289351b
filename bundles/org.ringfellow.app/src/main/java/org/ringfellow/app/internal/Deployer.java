package org.ringfellow.app.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.runtime.ApplicationRuntime;

/**
 * A deploy, on the node that founds the app: the artifact read into the store under its
 * SHA-256 and its manifest into a record; a preflight before anyone is recruited (name free,
 * runtime installed and willing, resources within what this node contributes, enough members
 * on the Ring); the record saved, the fellowship founded, and a wait until every member runs
 * the app for the settle time, or an undeploy with the reason. Also the wait after a scale until
 * the app runs on its new size. Runs on the caller's thread.
 */
final class Deployer {

    /** What a deploy needs of the engine. */
    interface Engine {
        /** The app's status as this node sees it. */
        Optional<AppStatus> status(String name);

        /** Undeploys the app (a failed deploy). */
        void undeploy(String name) throws AppException;

        /** Starts this node's part of the app it founded. */
        void join(String name, AppRecord record);

        /** Waits until a member status changes, or a short while. */
        void awaitStatusChange() throws InterruptedException;
    }

    private final Engine engine;
    private final NodeService node;
    private final NodeId self;
    private final AppRecords records;
    private final ArtifactStore artifacts;
    private final FellowshipService fellowships;
    private final Ring ring;
    private final Function<String, Optional<ApplicationRuntime>> runtimes;
    private final AppEngine.Timing timing;

    Deployer(Engine engine, NodeService node, AppRecords records, ArtifactStore artifacts,
            FellowshipService fellowships, Ring ring, Function<String, Optional<ApplicationRuntime>> runtimes,
            AppEngine.Timing timing) {
        this.engine = engine;
        this.node = node;
        this.self = node.identity().id();
        this.records = records;
        this.artifacts = artifacts;
        this.fellowships = fellowships;
        this.ring = ring;
        this.runtimes = runtimes;
        this.timing = timing;
    }

    /** Reads, checks and places an app, founds its fellowship and waits until every member runs it. */
    AppStatus deploy(URI artifact, Consumer<String> progress) throws AppException {
        String digest;
        try (InputStream in = open(artifact)) {
            digest = artifacts.put(in);
        } catch (ArtifactStore.WriteFailed e) {
            throw new AppException("cannot deploy " + artifact + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AppException("cannot read " + artifact + ": " + e.getMessage(), e);
        }
        AppRecord record;
        try {
            record = recordOf(digest);
        } catch (IOException | IllegalArgumentException e) {
            records.removeArtifactIfUnused(digest);
            throw new AppException(artifact + " is not an app: " + e.getMessage(), e);
        }
        AppDescriptor d = record.descriptor();
        progress.accept("App " + d.name() + " " + d.version() + ": " + d.size() + " member(s), runtime " + d.runtime()
                + ", " + Placement.limits(d) + ", artifact " + digest.substring(0, 19) + "...");
        try {
            preflight(d);
        } catch (AppException e) {
            records.removeArtifactIfUnused(digest);
            throw e;
        }
        records.save(record);
        FellowshipSpec spec = specOf(record);
        progress.accept("Recruiting " + d.size() + " member(s) for fellowship " + spec.id() + "...");
        Fellowship f;
        try {
            f = fellowships.create(spec).toCompletableFuture().get(timing.recruit().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(record);
            throw new AppException("deploy of " + d.name() + " interrupted", e);
        } catch (Exception e) {
            abandon(record);
            throw new AppException("could not recruit " + d.size() + " member(s) for " + d.name() + ": "
                    + AppInstance.message(e), e);
        }
        progress.accept("Fellowship formed: " + names(f));
        keepRoster(f);
        engine.join(d.name(), record);
        return awaitRunning(d.name(), progress);
    }

    /**
     * Founds an app again from the record and artifact this node kept as its founder, once its
     * fellowship is gone ({@link Refounder}): same name, artifact and size. Unlike a deploy, a
     * failure leaves the record (and the kept roster) in place, so that it is tried again.
     */
    void refound(AppRecord kept, Consumer<String> progress) throws AppException {
        String name = kept.name();
        if (fellowships.get(kept.fellowship()).isPresent() || records.load(name).isEmpty()) {
            // founded meanwhile, or undeployed
            return;
        }
        if (!Files.isRegularFile(artifacts.path(kept.digest()))) {
            throw new AppException("its artifact " + kept.digest().substring(0, 19) + "... is no longer in this "
                    + "node's artifact store");
        }
        AppDescriptor d = kept.descriptor();
        if (runtimes.apply(d.runtime()).isEmpty()) {
            throw new AppException("runtime '" + d.runtime() + "' is not installed on this node");
        }
        AppRecord record = kept.withContainer(null);
        records.save(record);
        FellowshipSpec spec = specOf(record);
        progress.accept("recruiting " + d.size() + " member(s) for fellowship " + spec.id() + " again");
        Fellowship f;
        try {
            f = fellowships.create(spec).toCompletableFuture().get(timing.recruit().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AppException("interrupted", e);
        } catch (Exception e) {
            throw new AppException("could not recruit " + d.size() + " member(s): " + AppInstance.message(e), e);
        }
        keepRoster(f);
        progress.accept("fellowship formed again: " + names(f) + "; its members start their parts");
        engine.join(name, record);
    }

    private void keepRoster(Fellowship f) {
        String app = AppRecord.appOf(f.id());
        if (app != null) {
            records.keepRoster(app, f.roster().members().stream().map(m -> m.node()).toList());
        }
    }

    private static FellowshipSpec specOf(AppRecord record) {
        AppDescriptor d = record.descriptor();
        return new FellowshipSpec(record.fellowship(), d.size(), Placement.query(d), Placement.reservation(d),
                Duration.ofSeconds(5));
    }

    private AppStatus awaitRunning(String name, Consumer<String> progress) throws AppException {
        long deadline = System.nanoTime() + timing.start().toNanos();
        Map<String, String> said = new HashMap<>();
        long runningSince = 0;
        while (true) {
            Optional<AppStatus> s = engine.status(name);
            if (s.isEmpty()) {
                throw new AppException("app " + name + " was undeployed while it deployed");
            }
            for (MemberStatus m : s.get().members()) {
                String line = m.state() + " " + m.message();
                if (!line.equals(said.put(m.node(), line))) {
                    progress.accept("  " + m.nodeName() + " (" + m.node().substring(0, 12) + "): "
                            + m.state().name().toLowerCase() + ", " + m.message());
                }
            }
            if (s.get().state() == AppState.RUNNING) {
                if (runningSince == 0) {
                    runningSince = System.nanoTime();
                    progress.accept("All " + s.get().members().size() + " member(s) started; checking that they "
                            + "keep running for " + timing.settle().toMillis() + " ms");
                }
                if (System.nanoTime() - runningSince >= timing.settle().toNanos()) {
                    progress.accept("App " + name + " is running on " + s.get().members().size() + " member(s).");
                    return s.get();
                }
            } else {
                runningSince = 0;
            }
            if (s.get().state() == AppState.FAILED || System.nanoTime() - deadline > 0) {
                String why = s.get().state() == AppState.FAILED ? s.get().message()
                        : "not every member started within " + timing.start().toSeconds() + " s ("
                                + s.get().members().stream().map(m -> m.nodeName() + " " + m.node().substring(0, 12)
                                        + ": " + m.state().name().toLowerCase() + ", " + m.message()).toList() + ")";
                progress.accept("Deploy failed: " + why + "; undeploying.");
                try {
                    engine.undeploy(name);
                } catch (AppException e) {
                    progress.accept("Undeploy after the failure: " + e.getMessage());
                }
                throw new AppException("app " + name + " did not start: " + why);
            }
            try {
                engine.awaitStatusChange();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AppException("interrupted while app " + name + " started", e);
            }
        }
    }

    /** Waits until the app runs on {@code size} members; fails if it fails or the start time passes. */
    AppStatus awaitSize(String name, int size) throws AppException {
        long deadline = System.nanoTime() + timing.start().toNanos();
        while (true) {
            Optional<AppStatus> s = engine.status(name);
            if (s.isPresent() && s.get().state() == AppState.RUNNING && s.get().members().size() == size) {
                return s.get();
            }
            if (s.isPresent() && s.get().state() == AppState.FAILED) {
                throw new AppException("app " + name + " failed while scaling: " + s.get().message());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AppException("app " + name + " did not reach " + size + " running member(s) within "
                        + timing.start().toSeconds() + " s; now: " + s.map(AppStatus::message).orElse("gone"));
            }
            try {
                engine.awaitStatusChange();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AppException("interrupted while app " + name + " scaled", e);
            }
        }
    }

    /** Fails before anyone is recruited when the app cannot be placed. */
    private void preflight(AppDescriptor d) throws AppException {
        if (records.has(d.name()) || fellowships.get(AppRecord.fellowshipOf(d.name())).isPresent()) {
            throw new AppException("an app named " + d.name() + " is already deployed; app:undeploy " + d.name()
                    + " first");
        }
        ApplicationRuntime runtime = runtimes.apply(d.runtime()).orElseThrow(() -> new AppException("runtime '"
                + d.runtime() + "' is not installed on this node: feature:install "
                + ApplicationRuntime.featureFor(d.runtime())));
        try {
            runtime.check(d);
        } catch (Exception e) {
            throw new AppException("app " + d.name() + " cannot run: " + e.getMessage(), e);
        }
        Resources want = Placement.reservation(d);
        Resources contributed = node.contributed();
        if (!contributed.covers(want)) {
            throw new AppException("app " + d.name() + " asks " + Placement.limits(d) + " per member, more than this "
                    + "node contributes in all (" + Placement.resources(contributed) + ")");
        }
        List<Member> fit = ring.find(Placement.query(d));
        long others = fit.stream().filter(m -> !m.id().equals(self)).count();
        if (others + 1 < d.size()) {
            List<Member> all = ring.view().members();
            throw new AppException("app " + d.name() + " needs " + d.size() + " member(s) with "
                    + Placement.limits(d)
                    + " free and runtime " + d.runtime() + (d.labels().isEmpty() ? "" : " and labels " + d.labels())
                    + "; the Ring offers " + (others + 1) + " of its " + all.size() + " member(s)");
        }
    }

    private AppRecord recordOf(String digest) throws IOException {
        Manifest mf;
        try (JarInputStream jar = new JarInputStream(Files.newInputStream(artifacts.path(digest)))) {
            mf = jar.getManifest();
        }
        if (mf == null) {
            throw new IOException("it has no manifest (an app is a jar with " + AppDescriptor.HEADER_NAME
                    + " headers)");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        mf.getMainAttributes().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("Ringfellow-") || key.equals("Bundle-Version") || key.equals("Bundle-SymbolicName")) {
                headers.put(key, v.toString());
            }
        });
        AppDescriptor d = AppDescriptor.fromHeaders(headers);
        return new AppRecord(d.name(), digest, Files.size(artifacts.path(digest)), headers, self.hex(), d.size(),
                null);
    }

    private static InputStream open(URI artifact) throws IOException {
        if (artifact.getScheme() == null) {
            return Files.newInputStream(Path.of(artifact.toString()), StandardOpenOption.READ);
        }
        try {
            return artifact.toURL().openStream();
        } catch (java.net.MalformedURLException | IllegalArgumentException e) {
            throw new IOException("no handler for this URL (" + e.getMessage() + ")", e);
        }
    }

    /** Removes what a deploy that never recruited anyone made. */
    private void abandon(AppRecord r) {
        records.forget(r);
    }

    private static String names(Fellowship f) {
        return f.roster().members().stream().map(m -> m.node().shortId()).toList().toString();
    }

}
