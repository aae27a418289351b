package org.ringfellow.fellowship.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;

/** A simulated node: reservations and published labels in memory (one thread, the simulation's). */
final class SimNode implements NodeService {
    final NodeIdentity identity;
    final String name;
    final Resources contributed;
    final Map<String, Resources> reserved = new TreeMap<>();
    final Map<String, String> published = new TreeMap<>();

    SimNode(NodeIdentity identity, String name, Resources contributed) {
        this.identity = identity;
        this.name = name;
        this.contributed = contributed;
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
        return Map.copyOf(published);
    }

    @Override
    public NodeInfo info() {
        return new NodeInfo(identity.id(), name, "sim", contributed, labels(), List.of(), List.of(), Optional.empty());
    }

    @Override
    public Path dataDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    public void reserve(String key, Resources amount) {
        reserved.put(key, amount);
    }

    @Override
    public boolean release(String key) {
        return reserved.remove(key) != null;
    }

    @Override
    public Map<String, Resources> reserved() {
        return Map.copyOf(reserved);
    }

    @Override
    public void publishLabel(String key, String value) {
        published.put(key, value);
    }

    @Override
    public boolean withdrawLabel(String key) {
        return published.remove(key) != null;
    }
}
