package org.ringfellow.container.tck;

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

/**
 * An in-memory node and node store, so a driver author can run the container manager over a
 * driver in a plain JUnit test (no Karaf, no real node). The engine under test stays real.
 */
public final class InMemoryNode implements NodeService {

    private volatile Resources contributed = new Resources(2000, 1L << 30, 0);
    private final Path dataDirectory;
    private final Map<String, String> published = new ConcurrentHashMap<>();
    private final NodeId id;

    /**
     * Creates a node that contributes 2 CPUs and 1 GiB.
     *
     * @param dataDirectory where the node keeps its files (a test's temporary directory)
     * @param id the node's id in hex
     */
    public InMemoryNode(Path dataDirectory, String id) {
        this.dataDirectory = dataDirectory;
        this.id = new NodeId(id);
    }

    /**
     * A fresh random node id, as a test wants one per run so that two runs never share
     * containers or cgroups.
     *
     * @return 32 random bytes in hex
     */
    public static String randomId() {
        byte[] id = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(id);
        return java.util.HexFormat.of().formatHex(id);
    }

    /**
     * Changes what the node contributes, as an operator's configuration change would.
     *
     * @param resources the new contribution
     */
    public void contribute(Resources resources) {
        this.contributed = resources;
    }

    @Override
    public NodeIdentity identity() {
        return new NodeIdentity() {
            @Override
            public NodeId id() {
                return id;
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

    /** The labels bundles published ({@link #publishLabel}); this node has no operator's labels. */
    @Override
    public Map<String, String> labels() {
        return Map.copyOf(published);
    }

    @Override
    public void publishLabel(String key, String value) {
        published.put(java.util.Objects.requireNonNull(key, "key"), java.util.Objects.requireNonNull(value, "value"));
    }

    @Override
    public boolean withdrawLabel(String key) {
        return published.remove(key) != null;
    }

    @Override
    public NodeInfo info() {
        return new NodeInfo(id, "test", "0", contributed, Map.of(), List.of(), List.of(), Optional.empty());
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** A node store that keeps everything in memory. */
    public static final class Store implements NodeStore {
        private final Map<String, Map<String, String>> data = new ConcurrentHashMap<>();

        /**
         * A copy of everything the store holds now, which later changes of this store do not
         * touch: what a node killed at this moment finds on its disk when it restarts.
         *
         * @return the copy
         */
        public Store copy() {
            Store c = new Store();
            data.forEach((ns, m) -> c.data.put(ns, new ConcurrentHashMap<>(m)));
            return c;
        }

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
}
