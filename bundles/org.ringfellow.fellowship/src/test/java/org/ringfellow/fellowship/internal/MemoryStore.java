package org.ringfellow.fellowship.internal;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.ringfellow.api.node.NodeStore;

/** A node store namespace in memory. */
final class MemoryStore implements NodeStore.Namespace {
    private final Map<String, String> map = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(map.get(key));
    }

    @Override
    public void put(String key, String value) {
        map.put(key, value);
    }

    @Override
    public boolean remove(String key) {
        return map.remove(key) != null;
    }

    @Override
    public Map<String, String> entries() {
        return Map.copyOf(new TreeMap<>(map));
    }
}
