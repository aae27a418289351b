package org.ringfellow.fellowship.internal;

import java.util.Map;
import java.util.TreeMap;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;

/** The resources this node reserved for fellowships, kept durably in the node's store. */
final class Reservations {

    private static final String PREFIX = "reservation.";
    private final NodeStore.Namespace store;

    Reservations(NodeStore.Namespace store) {
        this.store = store;
    }

    synchronized void reserve(FellowshipId id, Resources r) {
        store.put(PREFIX + id.value(), r.milliCpus() + " " + r.memoryBytes() + " " + r.diskBytes());
    }

    synchronized boolean release(FellowshipId id) {
        return store.remove(PREFIX + id.value());
    }

    synchronized Map<FellowshipId, Resources> all() {
        Map<FellowshipId, Resources> out = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        store.entries().forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                try {
                    String[] p = v.split(" ");
                    out.put(new FellowshipId(k.substring(PREFIX.length())),
                            new Resources(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])));
                } catch (RuntimeException e) {
                    // an unreadable entry reserves nothing; it is dropped on the next release of that id
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
