package org.ringfellow.api.node;

import java.nio.file.Path;
import java.util.Map;

/**
 * The local node: its identity, its operator's configuration, its data directory and the
 * reservations made against what it contributes.
 *
 * <p><b>Reservations.</b> A bundle that lends part of the contributed resources (a fellowship
 * member, for example) reserves it under a key of its own; the node keeps every reservation
 * durably and tells {@link NodeListener} services when they change, and the Ring advertises
 * {@link #unreserved()} as the node's free resources. The reservation methods have defaults
 * (a node that keeps none) only so that test doubles written before them still compile.
 */
public interface NodeService {

    /** The most reservations a node keeps at once. */
    int MAX_RESERVATIONS = 1024;

    /** The longest reservation key, in characters. */
    int MAX_RESERVATION_KEY = 128;

    /**
     * Returns the node's identity.
     *
     * @return the identity
     */
    NodeIdentity identity();

    /**
     * Returns the node's name, from configuration.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the resources the operator contributes, from configuration.
     *
     * @return the contributed resources
     */
    Resources contributed();

    /**
     * Returns the node's labels, as the Ring advertises them.
     *
     * @return an immutable map of labels: the operator's (from configuration, within the
     *     limits of {@link Labels}) and those published by bundles ({@link #publishLabel})
     */
    Map<String, String> labels();

    /**
     * Prefix of the labels bundles publish at run time (the operator's labels have none).
     * The same as {@link Labels#PUBLISHED_PREFIX}, where the keys and limits live.
     */
    String PUBLISHED_PREFIX = Labels.PUBLISHED_PREFIX;

    /**
     * Publishes a label beside the operator's, for the Ring to advertise (the app engine says
     * which apps this node runs parts of, the HTTP ingress on which port it listens).
     * {@link #labels()} includes it from now on and {@link NodeListener}s hear of it. Not
     * durable: a bundle publishes again when it starts.
     *
     * At most {@link Labels#MAX_PUBLISHED_LABELS} keys are published at once; the Ring always
     * has room for them beside the operator's labels.
     *
     * @param key {@value #PUBLISHED_PREFIX} followed by 1 to 10 of {@code [a-z0-9._-]}
     *     ({@link Labels#MAX_PUBLISHED_KEY} characters in all), such as {@link Labels#HTTP}
     * @param value 0 to {@link Labels#MAX_PUBLISHED_VALUE} printable ASCII characters
     * @throws IllegalArgumentException if the key or the value is not valid
     *     ({@link Labels#checkPublished}), or if it is a new key and
     *     {@link Labels#MAX_PUBLISHED_LABELS} are already published
     * @throws UnsupportedOperationException if this node publishes no labels
     */
    default void publishLabel(String key, String value) {
        throw new UnsupportedOperationException("this node publishes no labels");
    }

    /**
     * Withdraws a published label.
     *
     * @param key the key
     * @return true if it was published
     */
    default boolean withdrawLabel(String key) {
        return false;
    }

    /**
     * Returns everything the node says about itself, including the drivers and runtimes present now.
     *
     * @return a snapshot of the node's information
     */
    NodeInfo info();

    /**
     * Returns the directory where Ringfellow keeps this node's files.
     *
     * @return an existing directory owned by the node
     */
    Path dataDirectory();

    /**
     * Reserves resources under a key, replacing what that key reserved before. The reservation
     * is durable (it survives a restart until released) and {@link NodeListener}s hear of it.
     * It may exceed what is contributed: {@link #unreserved()} is then zero, never negative.
     *
     * @param key 1 to {@value #MAX_RESERVATION_KEY} characters of {@code [A-Za-z0-9._:/-]};
     *     by convention the owner's name first, as in {@code fellowship/<id>}
     * @param amount what to reserve
     * @throws IllegalArgumentException if the key is not valid
     * @throws IllegalStateException if {@value #MAX_RESERVATIONS} other keys hold reservations
     * @throws UnsupportedOperationException if this node keeps no reservations
     */
    default void reserve(String key, Resources amount) {
        throw new UnsupportedOperationException("this node keeps no reservations");
    }

    /**
     * Releases what a key reserved; {@link NodeListener}s hear of it if there was anything.
     *
     * @param key the key
     * @return true if the key held a reservation
     */
    default boolean release(String key) {
        return false;
    }

    /**
     * Returns every reservation, by key.
     *
     * @return an immutable snapshot
     */
    default Map<String, Resources> reserved() {
        return Map.of();
    }

    /**
     * Returns what is contributed and not reserved: what the Ring advertises as free.
     *
     * @return {@link #contributed()} minus the sum of {@link #reserved()}, floored at zero
     */
    default Resources unreserved() {
        Resources total = Resources.NONE;
        try {
            for (Resources r : reserved().values()) {
                total = total.plus(r);
            }
        } catch (ArithmeticException e) {
            return Resources.NONE; // reservations beyond any long exceed anything contributed
        }
        return contributed().minus(total);
    }
}
