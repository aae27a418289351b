package org.ringfellow.container.docker.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;

/** In-memory node and node store, for tests of the manager on real Docker. */
final class NodeFakes {

    private NodeFakes() {
    }

    static final class Store implements NodeStore {
        final Map<String, Map<String, String>> data = new ConcurrentHashMap<>();

        @Override
        public Namespace namespace(String namespace) {
            Map<String, String> m = data.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>());
            return new Namespace() {
                @Override
                public Optional<String> get(String key) {
                    return Optional.ofNullable(m.get(key));
                }

                @Override
                public void put(String key, String value) {
                    m.put(key, value);
                }

                @Override
                public boolean remove(String key) {
                    return m.remove(key) != null;
                }

                @Override
                public Map<String, String> entries() {
                    return Map.copyOf(m);
                }
            };
        }
    }

    static final class Node implements NodeService {
        volatile Resources contributed = new Resources(2000, 1L << 30, 0);
        final Path dataDir;
        final String id;

        Node(Path dataDir, String id) {
            this.dataDir = dataDir;
            this.id = id;
        }

        @Override
        public NodeIdentity identity() {
            return new NodeIdentity() {
                @Override
                public NodeId id() {
                    return new NodeId(id);
                }

                @Override
                public byte[] publicKey() {
                    return new byte[0];
                }

                @Override
                public byte[] sign(byte[] data) {
                    return new byte[64];
                }

                @Override
                public boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
                    return false;
                }
            };
        }

        @Override
        public String name() {
            return "test";
        }

        @Override
        public Resources contributed() {
            return contributed;
        }

        @Override
        public Map<String, String> labels() {
            return Map.of();
        }

        @Override
        public NodeInfo info() {
            return new NodeInfo(identity().id(), "test", "0", contributed, Map.of(), List.of(), List.of(),
                    Optional.empty());
        }

        @Override
        public Path dataDirectory() {
            return dataDir;
        }
    }

}
