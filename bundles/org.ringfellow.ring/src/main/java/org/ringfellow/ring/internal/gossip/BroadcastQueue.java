package org.ringfellow.ring.internal.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.ring.internal.codec.Codec;
import org.ringfellow.ring.internal.codec.Update;

/**
 * memberlist's transmit-limited queue: at most one pending update per member (a newer one
 * replaces the older), the least transmitted first, each sent at most
 * {@code retransmitMult * ceil(log10(n + 1))} times. Not thread-safe: protocol thread only.
 */
public final class BroadcastQueue {

    private static final class Item {
        final Update update;
        final long order;
        int transmits;

        Item(Update update, long order) {
            this.update = update;
            this.order = order;
        }
    }

    private final Map<NodeId, Item> bySubject = new HashMap<>();
    // Fewest transmits first, then newest first, as memberlist does.
    private final TreeSet<Item> queue = new TreeSet<>((a, b) -> a.transmits != b.transmits
            ? Integer.compare(a.transmits, b.transmits)
            : Long.compare(b.order, a.order));
    private long nextOrder;

    /** Queues an update, replacing any pending one about the same member. */
    public void queue(Update update) {
        Item old = bySubject.remove(update.subject());
        if (old != null) {
            queue.remove(old);
        }
        Item item = new Item(update, nextOrder++);
        bySubject.put(update.subject(), item);
        queue.add(item);
    }

    public int size() {
        return bySubject.size();
    }

    /** Drops every pending update (after a leave, for example). */
    public void clear() {
        bySubject.clear();
        queue.clear();
    }

    /** @return the transmit limit for a ring of {@code n} members */
    public static int retransmitLimit(int retransmitMult, int n) {
        return retransmitMult * (int) Math.ceil(Math.log10(n + 1.0));
    }

    /**
     * Takes the updates that fit in {@code budget} bytes, counting one transmission of each.
     *
     * @param budget bytes available for updates, their per-update overhead included
     * @param maxCount most updates to take
     * @param limit the transmit limit
     */
    public List<Update> take(int budget, int maxCount, int limit) {
        if (queue.isEmpty() || budget <= 0) {
            return List.of();
        }
        List<Update> out = new ArrayList<>();
        List<Item> sent = new ArrayList<>();
        int left = budget;
        Iterator<Item> it = queue.iterator();
        int misfits = 0;
        // A few misfits in a row mean the packet is full enough: never scan a long queue per packet.
        while (it.hasNext() && out.size() < maxCount && left > Codec.UPDATE_OVERHEAD && misfits < 4) {
            Item item = it.next();
            int cost = item.update.encoded().length + Codec.UPDATE_OVERHEAD;
            if (cost > left) {
                misfits++;
                continue;
            }
            misfits = 0;
            left -= cost;
            out.add(item.update);
            it.remove();
            sent.add(item);
        }
        for (Item item : sent) {
            item.transmits++;
            if (item.transmits >= limit) {
                bySubject.remove(item.update.subject());
            } else {
                queue.add(item);
            }
        }
        return out;
    }
}
