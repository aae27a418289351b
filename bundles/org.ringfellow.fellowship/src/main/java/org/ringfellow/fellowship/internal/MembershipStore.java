package org.ringfellow.fellowship.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Base64;
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
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.fellowship.internal.wire.Frame;
import org.ringfellow.fellowship.internal.wire.FrameCodec;
import org.ringfellow.fellowship.internal.wire.MalformedFrameException;

/**
 * What this node keeps of its memberships across a crash, in the fellowship's namespace of the
 * node store: per fellowship the latest signed roster it held (the frame that carried it, in
 * Base64) and the highest epoch it voted in. A node that restarts reads them back to tell the
 * members it left, and which votes it may have cast.
 *
 * <p>Every write (the node store fsyncs) runs on a writer of its own, one at a time in the order
 * asked; the caller (the engine's thread) never waits for it. A failed write is logged and
 * counted. Reading back ({@link #kept}, {@link #keptVote}) is for the start, before the engine's
 * thread runs anything.
 */
final class MembershipStore {

    /** Where earlier versions kept reservations in the fellowship's own namespace; dropped on start. */
    private static final String LEGACY_PREFIX = "reservation.";
    private static final String ROSTER = "roster.";
    private static final String VOTE = "vote.";
    private final NodeStore.Namespace store;
    private final Executor writer;
    private final AtomicLong writeFailures = new AtomicLong();

    /** A store whose writes run on a daemon thread {@code fellowship-store-<name>}. */
    MembershipStore(NodeStore.Namespace store, String name) {
        this(store, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fellowship-store-" + name);
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * @param writer runs the store writes one at a time in the order given (the simulation runs
     *     them at once, on its own thread)
     */
    MembershipStore(NodeStore.Namespace store, Executor writer) {
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

    /** Stops a writer this store made, after the writes already asked for (waits a little for them). */
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

    /**
     * Keeps the roster this node holds (with its signature and the election's proof) and the
     * highest epoch it voted in so far. The frame is encoded on the caller's thread, the write
     * made on the writer's.
     */
    void keep(Frame.RosterUpdate held, long votedEpoch) {
        String encoded = encode(held);
        FellowshipId id = held.roster().fellowship();
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

    /** Forgets what is kept of a fellowship this node is no longer in. */
    void forget(FellowshipId id) {
        write("forget the roster of " + id, () -> {
            store.remove(ROSTER + id.value());
            store.remove(VOTE + id.value());
        });
    }

    /** Returns the highest epoch an earlier run voted in for the fellowship, if it kept a readable one. */
    Optional<Long> keptVote(FellowshipId id) {
        try {
            return store.get(VOTE + id.value()).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Returns the rosters kept by an earlier run (as kept: decode them with {@link #decode}), by
     * fellowship; a key that names no valid fellowship id is removed.
     */
    synchronized Map<FellowshipId, String> kept() {
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

    static String encode(Frame.RosterUpdate held) {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(held, buf);
        return Base64.getEncoder().encodeToString(ByteBufUtil.getBytes(buf));
    }

    /**
     * Reads a kept roster back: the frame, or an exception for what is not Base64 of a frame
     * ({@code IllegalArgumentException}, {@link MalformedFrameException}). Checking it (its
     * fellowship, its signature) is the caller's.
     */
    static Frame decode(String encoded) throws MalformedFrameException {
        return FrameCodec.decode(Unpooled.wrappedBuffer(Base64.getDecoder().decode(encoded)));
    }
}
