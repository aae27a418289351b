package org.ringfellow.api.ring;

import java.util.Map;
import java.util.Set;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;

/**
 * What a caller of {@link Ring#find(ResourceQuery)} asks of a member. A member matches when it
 * is alive, its free resources cover {@code minimumFree}, it has every driver in
 * {@code anyDriver} (when that is not empty, at least one of them), every runtime in
 * {@code runtimes}, every label in {@code labels}, and is not in {@code exclude}.
 *
 * @param minimumFree free resources the member must have
 * @param anyDriver driver types of which the member must have at least one; empty for any
 * @param runtimes runtime types the member must all have
 * @param labels labels the member must carry with these values
 * @param exclude members not to return
 * @param limit the most members to return, at least 1
 */
public record ResourceQuery(Resources minimumFree, Set<String> anyDriver, Set<String> runtimes,
        Map<String, String> labels, Set<NodeId> exclude, int limit) {

    /** The most members one query may return. */
    public static final int MAX_LIMIT = 10_000;

    /** A query that any alive member matches, up to 100 of them. */
    public static final ResourceQuery ANY = new ResourceQuery(Resources.NONE, Set.of(), Set.of(), Map.of(), Set.of(),
            100);

    /**
     * Validates the query and makes the collections immutable.
     *
     * @throws IllegalArgumentException if the limit is out of 1..{@value #MAX_LIMIT}
     */
    public ResourceQuery {
        anyDriver = Set.copyOf(anyDriver);
        runtimes = Set.copyOf(runtimes);
        labels = Map.copyOf(labels);
        exclude = Set.copyOf(exclude);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
        }
    }
}
