package org.ringfellow.api.node;

import java.util.Map;
import java.util.Optional;

/**
 * The node's durable key-value store, shared by the node's bundles. Each bundle keeps its
 * state in a namespace of its own. A write is durable once the call returns.
 */
public interface NodeStore {

    /**
     * Opens a namespace, creating it if needed.
     *
     * @param namespace a name of 1 to 64 characters from {@code [a-z0-9._-]}
     * @return the namespace
     * @throws IllegalArgumentException if the name is not valid
     */
    Namespace namespace(String namespace);

    /** One namespace of string keys and string values (callers store JSON as text). */
    interface Namespace {

        /**
         * Reads a value.
         *
         * @param key the key
         * @return the value, or empty if absent
         */
        Optional<String> get(String key);

        /**
         * Writes a value durably.
         *
         * @param key a key of at most 256 characters
         * @param value the value, at most 1 MiB
         * @throws IllegalArgumentException if the key or value is too long
         */
        void put(String key, String value);

        /**
         * Removes a value durably.
         *
         * @param key the key
         * @return true if there was a value
         */
        boolean remove(String key);

        /**
         * Returns a snapshot of every entry.
         *
         * @return an immutable map
         */
        Map<String, String> entries();
    }
}
