package org.ringfellow.app.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps this node keeps: each app's record in the node store (namespace {@code app}), its
 * artifact in the {@link ArtifactStore}, its files under {@code <apps>/<name>}. Records are
 * validated on every read; an unreadable one reads as absent. The founder also keeps the roster
 * of each app's fellowship as it last saw it (namespace {@code app.rosters}: the members' ids,
 * comma-separated), which outlives its membership so that it can tell when to found the app
 * again ({@link Refounder}).
 */
final class AppRecords {

    private static final Logger LOG = LoggerFactory.getLogger(AppRecords.class);

    private final NodeStore.Namespace store;
    private final NodeStore.Namespace rosters;
    private final ArtifactStore artifacts;
    private final Path appsDir;

    AppRecords(NodeStore.Namespace store, NodeStore.Namespace rosters, ArtifactStore artifacts, Path appsDir) {
        this.store = store;
        this.rosters = rosters;
        this.artifacts = artifacts;
        this.appsDir = appsDir;
    }

    boolean has(String name) {
        return store.get(name).isPresent();
    }

    Optional<AppRecord> load(String name) {
        return store.get(name).flatMap(v -> {
            try {
                return Optional.of(decode(v));
            } catch (IOException e) {
                LOG.warn("App record {} is unreadable: {}", name, e.getMessage());
                return Optional.empty();
            }
        });
    }

    void save(AppRecord r) {
        store.put(r.name(), new String(Wire.encode(r), StandardCharsets.UTF_8));
    }

    /** Every record that reads, by name; unreadable ones are dropped from the store with a warning. */
    Map<String, AppRecord> all() {
        Map<String, AppRecord> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : store.entries().entrySet()) {
            try {
                out.put(e.getKey(), decode(e.getValue()));
            } catch (IOException x) {
                LOG.warn("Dropping an unreadable app record {}: {}", e.getKey(), x.getMessage());
                store.remove(e.getKey());
            }
        }
        return out;
    }

    /** The names of the apps with a record, readable or not. */
    Iterable<String> names() {
        return store.entries().keySet();
    }

    /** Removes an app's record, its artifact unless another record uses it, its files and log. */
    void forget(AppRecord r) {
        store.remove(r.name());
        rosters.remove(r.name());
        removeArtifactIfUnused(r.digest());
        try {
            AppInstance.deleteTree(appsDir.resolve(r.name()));
            Files.deleteIfExists(appsDir.resolve(r.name() + ".log"));
        } catch (IOException e) {
            LOG.warn("Could not remove the files of app {}: {}", r.name(), e.getMessage());
        }
    }

    void removeArtifactIfUnused(String digest) {
        boolean used = store.entries().values().stream().anyMatch(v -> v.contains(digest));
        if (!used) {
            try {
                artifacts.remove(digest);
            } catch (IOException e) {
                LOG.warn("Could not remove artifact {}: {}", digest, e.getMessage());
            }
        }
    }

    /**
     * Keeps the roster of an app's fellowship as this node sees it now; writes only when it
     * changed. Not on a fellowship listener: the store may write to disk.
     */
    void keepRoster(String app, List<NodeId> members) {
        String value = String.join(",", members.stream().map(NodeId::hex).sorted().toList());
        if (!rosters.get(app).filter(value::equals).isPresent()) {
            rosters.put(app, value);
        }
    }

    /** The roster of the app's fellowship this node last kept; empty if none or unreadable. */
    List<NodeId> roster(String app) {
        String v = rosters.get(app).orElse("");
        if (v.isEmpty()) {
            return List.of();
        }
        String[] ids = v.split(",", -1);
        if (ids.length > AppDescriptor.MAX_SIZE) {
            LOG.warn("The kept roster of app {} has {} members, more than {}; ignored", app, ids.length,
                    AppDescriptor.MAX_SIZE);
            return List.of();
        }
        List<NodeId> out = new ArrayList<>(ids.length);
        for (String id : ids) {
            try {
                out.add(new NodeId(id));
            } catch (IllegalArgumentException e) {
                LOG.warn("The kept roster of app {} is unreadable: {}", app, e.getMessage());
                return List.of();
            }
        }
        return List.copyOf(out);
    }

    private static AppRecord decode(String v) throws IOException {
        return Wire.decode(v.getBytes(StandardCharsets.UTF_8), AppRecord.class);
    }
}
