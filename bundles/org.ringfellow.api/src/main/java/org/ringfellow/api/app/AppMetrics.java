package org.ringfellow.api.app;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.ringfellow.api.node.LatencyHistogram;

/**
 * One app's HTTP requests and restarts as one node counted them, for the node's metrics. Immutable.
 *
 * <p>A request is counted on the node whose ingress first received it from its client, whether this node's own
 * part of the app answered it, another member did, or it was passed on to another node (a request carrying
 * {@link AppGateway#HOP_HEADER}, passed on by another node, is not counted again). Requests for a name that no app
 * has are not counted.
 *
 * @param app the app's name
 * @param requests requests answered, by status class: exactly the keys of {@link #STATUS_CLASSES}, each a count
 *     of zero or more
 * @param requestDuration the time from the ingress handing a counted request to the app engine until its answer
 * @param restarts how often this node restarted its own part of the app after it failed
 */
public record AppMetrics(String app, Map<String, Long> requests, LatencyHistogram.Snapshot requestDuration,
        long restarts) {

    /** The status classes requests are counted by, in order. */
    public static final List<String> STATUS_CLASSES = List.of("2xx", "3xx", "4xx", "5xx");

    /**
     * Checks and copies the fields.
     *
     * @throws IllegalArgumentException if the status classes are not exactly {@link #STATUS_CLASSES} or a count
     *     is negative
     */
    public AppMetrics {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(requestDuration, "requestDuration");
        Map<String, Long> copy = new TreeMap<>(Objects.requireNonNull(requests, "requests"));
        if (!copy.keySet().equals(new HashSet<>(STATUS_CLASSES))) {
            throw new IllegalArgumentException("requests are counted by " + STATUS_CLASSES + ", got " + copy.keySet());
        }
        for (Long n : copy.values()) {
            if (n == null || n < 0) {
                throw new IllegalArgumentException("a request count is zero or more, got " + n);
            }
        }
        if (restarts < 0) {
            throw new IllegalArgumentException("restarts are zero or more, got " + restarts);
        }
        requests = Collections.unmodifiableMap(copy);
    }

    /**
     * The class an answer's status is counted in: {@code 2xx}, {@code 3xx}, {@code 4xx}, or {@code 5xx} for a
     * server error and for any status outside 200-499 (an informational status is no final answer; an invalid one
     * reaches the client as a 502).
     *
     * @param status the HTTP status of the answer
     * @return its class, one of {@link #STATUS_CLASSES}
     */
    public static String statusClass(int status) {
        if (status >= 200 && status < 500) {
            return STATUS_CLASSES.get(status / 100 - 2);
        }
        return "5xx";
    }

    /** @return the requests counted in every class */
    public long requestsTotal() {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }
}
