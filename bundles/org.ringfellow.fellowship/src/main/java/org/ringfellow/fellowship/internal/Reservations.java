package org.ringfellow.fellowship.internal;

import java.util.Map;
import java.util.TreeMap;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;

/**
 * The resources this node reserved for fellowships. The node owns them ({@link NodeService#reserve},
 * under the key {@code fellowship/<id>}), keeps them durably and the Ring advertises what is
 * left as free. What the fellowship keeps of its memberships across a crash is
 * {@link MembershipStore}'s.
 */
final class Reservations {

    static final String KEY_PREFIX = "fellowship/";
    private final NodeService node;

    Reservations(NodeService node) {
        this.node = node;
    }

    static String key(FellowshipId id) {
        return KEY_PREFIX + id.value();
    }

    void reserve(FellowshipId id, Resources r) {
        node.reserve(key(id), r);
    }

    boolean release(FellowshipId id) {
        return node.release(key(id));
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
