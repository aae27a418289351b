package org.ringfellow.api.ring;

import java.util.Map;
import java.util.Set;
import org.ringfellow.api.node.Resources;

/**
 * What a member offers the Ring: part of its signed member record, refreshed on change.
 *
 * @param contributed what the operator contributes in all
 * @param free what is not yet reserved or used
 * @param drivers the container driver types present and healthy
 * @param runtimes the application runtime types present
 * @param labels the operator's labels
 */
public record ResourceAdvert(Resources contributed, Resources free, Set<String> drivers, Set<String> runtimes,
        Map<String, String> labels) {

    /** An advert offering nothing. */
    public static final ResourceAdvert EMPTY = new ResourceAdvert(Resources.NONE, Resources.NONE, Set.of(), Set.of(),
            Map.of());

    /** Makes the collections immutable. */
    public ResourceAdvert {
        drivers = Set.copyOf(drivers);
        runtimes = Set.copyOf(runtimes);
        labels = Map.copyOf(labels);
    }
}
