package org.ringfellow.api.container;

import java.time.Instant;

/**
 * A root file system image in the node's image store.
 *
 * @param name the operator's name for it, such as {@code base}
 * @param digest the SHA-256 of its archive, as {@code sha256:<64 hex>}
 * @param sizeBytes the size of its archive
 * @param createdAt when it was imported
 */
public record Image(String name, String digest, long sizeBytes, Instant createdAt) {
}
