package org.ringfellow.job.internal.store;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.ringfellow.api.node.NodeStore;

/** Test support: a {@link NodeStore} on an MVStore file, each write committed (as the node's store does). */
public final class FileNodeStore implements NodeStore, AutoCloseable {

    private final MVStore store;

    public FileNodeStore(Path file) {
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
    }

    @Override
    public Namespace namespace(String namespace) {
        MVMap<String, String> map = store.openMap(namespace);
        return new Namespace() {
            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(map.get(key));
            }

            @Override
            public void put(String key, String value) {
                if (key.length() > 256 || value.length() > 1 << 20) {
                    throw new IllegalArgumentException("key or value too long");
                }
                map.put(key, value);
                store.commit();
            }

            @Override
            public boolean remove(String key) {
                boolean had = map.remove(key) != null;
                store.commit();
                return had;
            }

            @Override
            public Map<String, String> entries() {
                return Map.copyOf(map);
            }
        };
    }

    @Override
    public void close() {
        store.close();
    }
}
