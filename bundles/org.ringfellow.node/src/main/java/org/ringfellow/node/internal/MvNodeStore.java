package org.ringfellow.node.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.ringfellow.api.node.NodeStore;

/**
 * The node's store on H2's MVStore: one file, one map per namespace, every write committed
 * and synced before the call returns.
 */
final class MvNodeStore implements NodeStore, AutoCloseable {

    static final String FILE = "node.mv.db";
    static final int MAX_KEY = 256;
    static final int MAX_VALUE = 1 << 20;
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final MVStore store;

    MvNodeStore(Path dir) {
        // Writes are committed and synced explicitly; no background writer to race with close.
        this.store = new MVStore.Builder().fileName(dir.resolve(FILE).toString()).autoCommitDisabled().open();
    }

    @Override
    public Namespace namespace(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be 1-64 of [a-z0-9._-], got '" + namespace + "'");
        }
        MVMap<String, String> map = store.openMap("ns." + namespace);
        return new MapNamespace(map);
    }

    @Override
    public void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }

    private final class MapNamespace implements Namespace {
        private final MVMap<String, String> map;

        MapNamespace(MVMap<String, String> map) {
            this.map = map;
        }

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(map.get(key));
        }

        @Override
        public void put(String key, String value) {
            if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
                throw new IllegalArgumentException("store keys are 1.." + MAX_KEY + " characters");
            }
            if (value == null || value.length() > MAX_VALUE) {
                throw new IllegalArgumentException("store values are at most " + MAX_VALUE + " characters");
            }
            map.put(key, value);
            durable();
        }

        @Override
        public boolean remove(String key) {
            boolean had = map.remove(key) != null;
            if (had) {
                durable();
            }
            return had;
        }

        @Override
        public Map<String, String> entries() {
            return Map.copyOf(new TreeMap<>(map));
        }
    }

    private synchronized void durable() {
        store.commit();
        store.sync();
    }
}
