package org.ringfellow.api.node;

/**
 * The labels a node advertises on the Ring: the keys bundles publish and the limits every
 * bundle applies. The node, the Ring's signed member record, the fellowship, the ingress and
 * the app engine all take their keys and limits from here, so what the node accepts is what
 * the Ring can carry.
 */
public final class Labels {

    /** Prefix of the labels bundles publish at run time; an operator's label may not use it. */
    public static final String PUBLISHED_PREFIX = "ringfellow.";

    /** Published by the app engine: the apps this node runs a part of, comma-separated. */
    public static final String APPS = PUBLISHED_PREFIX + "apps";

    /** Published by the HTTP ingress: the port it listens on. */
    public static final String HTTP = PUBLISHED_PREFIX + "http";

    /** Published by the fellowship component: the port its channel listens on. */
    public static final String FELLOWSHIP = PUBLISHED_PREFIX + "fellowship";

    private Labels() {
    }
}
