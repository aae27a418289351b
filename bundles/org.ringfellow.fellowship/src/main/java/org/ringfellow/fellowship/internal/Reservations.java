package org.ringfellow.fellowship.internal;

import java.util.Map;
import java.util.TreeMap;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;

/**
 * The resources this node reserved for fellowships. The node owns them ({@link NodeService#reserve},
 * under the key {@code fellowship/<id>}), keeps them durably and the Ring advertises what is
 * left as free. This class also keeps the latest roster of each fellowship in the fellowship's
 * namespace of the store, so that after a crash the node can tell the members it left.
 */
final class Reservations {

    static final String KEY_PREFIX = "fellowship/";
    /** Where earlier versions kept reservations in the fellowship's own namespace; dropped on start. */
    private static final String LEGACY_PREFIX = "reservation.";
    private static final String ROSTER = "roster.";
    private final NodeService node;
    private final NodeStore.Namespace store;

    Reservations(NodeService node, NodeStore.Namespace store) {
        this.node = node;
        this.store = store;
    }

    static String key(FellowshipId id) {
        return KEY_PREFIX + id.value();
    }

    void reserve(FellowshipId id, Resources r) {
        node.reserve(key(id), r);
    }

    synchronized boolean release(FellowshipId id) {
        store.remove(ROSTER + id.value());
        return node.release(key(id));
    }

    /** Keeps the latest signed roster (Base64 of its frame), so that after a crash the node can say it left. */
    synchronized void keepRoster(FellowshipId id, String encoded) {
        store.put(ROSTER + id.value(), encoded);
    }

    /** Returns the rosters kept by an earlier run, by fellowship. */
    synchronized Map<FellowshipId, String> rosters() {
        Map<FellowshipId, String> out = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        store.entries().forEach((k, v) -> {
            if (k.startsWith(ROSTER)) {
                try {
                    out.put(new FellowshipId(k.substring(ROSTER.length())), v);
                } catch (IllegalArgumentException e) {
                    store.remove(k);
                }
            }
        });
        return out;
    }

    /** Drops what earlier versions kept in the fellowship's namespace; the node keeps reservations now. */
    synchronized void dropLegacy() {
        store.entries().keySet().stream().filter(k -> k.startsWith(LEGACY_PREFIX)).forEach(store::remove);
    }

    /** Returns this node's fellowship reservations; keys of other owners, or unreadable ids, are not listed. */
    Map<FellowshipId, Resources> all() {
        Map<FellowshipId, Resources> out = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        node.reserved().forEach((k, v) -> {
            if (k.startsWith(KEY_PREFIX)) {
                try {
                    out.put(new FellowshipId(k.substring(KEY_PREFIX.length())), v);
                } catch (IllegalArgumentException e) {
                    // not an id this bundle made: leave it to its owner
                }
            }
        });
        return out;
    }

    Resources total() {
        Resources t = Resources.NONE;
        for (Resources r : all().values()) {
            t = t.plus(r);
        }
        return t;
    }
}
