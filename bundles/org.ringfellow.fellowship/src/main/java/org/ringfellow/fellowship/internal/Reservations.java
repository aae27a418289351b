package org.ringfellow.fellowship.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
    /**
     * Writes of the kept rosters (fsync'd by the node store) run here, one at a time in the
     * order asked, never on the fellowship's thread, which does not wait for them.
     */
    private final ExecutorService writer;
    private final AtomicLong writeFailures = new AtomicLong();

    Reservations(NodeService node, NodeStore.Namespace store, String name) {
        this.node = node;
        this.store = store;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fellowship-store-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Store writes that failed (logged). */
    long writeFailures() {
        return writeFailures.get();
    }

    private void write(String what, Runnable r) {
        try {
            writer.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    writeFailures.incrementAndGet();
                    FellowshipEngine.LOG.warn("Fellowship store: cannot {}: {}", what, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            FellowshipEngine.LOG.debug("Fellowship store closed; not done: {}", what);
        }
    }

    /** Stops the writer after the writes already asked for (waits a little for them). */
    void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String key(FellowshipId id) {
        return KEY_PREFIX + id.value();
    }

    void reserve(FellowshipId id, Resources r) {
        node.reserve(key(id), r);
    }

    boolean release(FellowshipId id) {
        write("forget the roster of " + id, () -> store.remove(ROSTER + id.value()));
        return node.release(key(id));
    }

    /** Keeps the latest signed roster (Base64 of its frame), so that after a crash the node can say it left. */
    void keepRoster(FellowshipId id, String encoded) {
        write("keep the roster of " + id, () -> store.put(ROSTER + id.value(), encoded));
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
