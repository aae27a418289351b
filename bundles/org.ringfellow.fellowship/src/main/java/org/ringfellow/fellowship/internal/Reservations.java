package org.ringfellow.fellowship.internal;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
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
    private static final String VOTE = "vote.";
    private final NodeService node;
    private final NodeStore.Namespace store;
    /**
     * Writes of the kept rosters (fsync'd by the node store) run here, one at a time in the
     * order asked, never on the fellowship's thread, which does not wait for them.
     */
    private final Executor writer;
    private final AtomicLong writeFailures = new AtomicLong();

    Reservations(NodeService node, NodeStore.Namespace store, String name) {
        this(node, store, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fellowship-store-" + name);
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * @param writer runs the store writes one at a time in the order given (the simulation runs
     *     them at once, on its own thread)
     */
    Reservations(NodeService node, NodeStore.Namespace store, Executor writer) {
        this.node = node;
        this.store = store;
        this.writer = writer;
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
        if (!(writer instanceof ExecutorService w)) {
            return;
        }
        w.shutdown();
        try {
            w.awaitTermination(2, TimeUnit.SECONDS);
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
        write("forget the roster of " + id, () -> {
            store.remove(ROSTER + id.value());
            store.remove(VOTE + id.value());
        });
        return node.release(key(id));
    }

    /**
     * Keeps the latest signed roster (Base64 of its frame) and the highest epoch this node voted
     * in so far, so that after a crash the node can say it left, holding which roster, and which
     * votes it may have cast.
     */
    void keepRoster(FellowshipId id, String encoded, long votedEpoch) {
        write("keep the roster of " + id, () -> {
            store.put(ROSTER + id.value(), encoded);
            store.put(VOTE + id.value(), Long.toString(votedEpoch));
        });
    }

    /**
     * Keeps the highest epoch this node voted in, then (on the writer's thread, only if the write
     * succeeded) runs {@code then}: a vote leaves the node only once it would survive a crash, so
     * that after a restart the node can say truthfully in which epochs it may have voted.
     */
    void keepVote(FellowshipId id, long epoch, Runnable then) {
        write("keep the vote of " + id, () -> {
            store.put(VOTE + id.value(), Long.toString(epoch));
            then.run();
        });
    }

    /** Returns the highest epoch an earlier run voted in for the fellowship, if it kept one. */
    Optional<Long> keptVote(FellowshipId id) {
        try {
            return store.get(VOTE + id.value()).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
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
