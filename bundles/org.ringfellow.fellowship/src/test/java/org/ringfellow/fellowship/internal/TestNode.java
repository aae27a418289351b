package org.ringfellow.fellowship.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeListener;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;

/** A node in memory: its identity, what it contributes, and reservations that listeners (a Ring) hear of. */
final class TestNode implements NodeService {

    final NodeIdentity identity;
    final String name;
    final Resources contributed;
    final Map<String, String> labels;
    final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, Resources> reserved = Map.of();

    TestNode(NodeIdentity identity, String name, Resources contributed, Map<String, String> labels) {
        this.identity = identity;
        this.name = name;
        this.contributed = contributed;
        this.labels = Map.copyOf(labels);
    }

    @Override
    public NodeIdentity identity() {
        return identity;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Resources contributed() {
        return contributed;
    }

    @Override
    public Map<String, String> labels() {
        return labels;
    }

    @Override
    public NodeInfo info() {
        return new NodeInfo(identity.id(), name, "test", contributed, labels, List.of(), List.of(), Optional.empty());
    }

    @Override
    public Path dataDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    public void reserve(String key, Resources amount) {
        synchronized (this) {
            Map<String, Resources> next = new TreeMap<>(reserved);
            next.put(key, amount);
            reserved = Map.copyOf(next);
        }
        changed();
    }

    @Override
    public boolean release(String key) {
        synchronized (this) {
            if (!reserved.containsKey(key)) {
                return false;
            }
            Map<String, Resources> next = new TreeMap<>(reserved);
            next.remove(key);
            reserved = Map.copyOf(next);
        }
        changed();
        return true;
    }

    @Override
    public Map<String, Resources> reserved() {
        return reserved;
    }

    private void changed() {
        NodeInfo info = info();
        listeners.forEach(l -> l.nodeChanged(info));
    }
}
