package org.ringfellow.app.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.ringfellow.api.node.NodeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps this node keeps: each app's record in the node store (namespace {@code app}), its
 * artifact in the {@link ArtifactStore}, its files under {@code <apps>/<name>}. Records are
 * validated on every read; an unreadable one reads as absent.
 */
final class AppRecords {

    private static final Logger LOG = LoggerFactory.getLogger(AppRecords.class);

    private final NodeStore.Namespace store;
    private final ArtifactStore artifacts;
    private final Path appsDir;

    AppRecords(NodeStore.Namespace store, ArtifactStore artifacts, Path appsDir) {
        this.store = store;
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

    private static AppRecord decode(String v) throws IOException {
        return Wire.decode(v.getBytes(StandardCharsets.UTF_8), AppRecord.class);
    }
}
