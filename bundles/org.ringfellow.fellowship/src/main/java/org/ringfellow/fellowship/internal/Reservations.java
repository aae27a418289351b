package org.ringfellow.fellowship.internal;

import java.util.Map;
import java.util.TreeMap;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.api.node.Resources;

/** The resources this node reserved for fellowships, kept durably in the node's store. */
final class Reservations {

    private static final String PREFIX = "reservation.";
    private static final String ROSTER = "roster.";
    private final NodeStore.Namespace store;

    Reservations(NodeStore.Namespace store) {
        this.store = store;
    }

    synchronized void reserve(FellowshipId id, Resources r) {
        store.put(PREFIX + id.value(), r.milliCpus() + " " + r.memoryBytes() + " " + r.diskBytes());
    }

    synchronized boolean release(FellowshipId id) {
        store.remove(ROSTER + id.value());
        return store.remove(PREFIX + id.value());
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
