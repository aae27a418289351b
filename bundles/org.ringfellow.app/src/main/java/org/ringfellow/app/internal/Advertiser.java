package org.ringfellow.app.internal;

import java.util.Collection;
import java.util.TreeSet;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells other nodes, through the node's Ring label {@link Labels#APPS}, which apps this node
 * runs parts of, so that their gateway can pass a request for such an app to this node's
 * ingress. The label holds as many names as fit {@value #MAX_LABEL} characters (with a
 * separator's room left after the last).
 */
final class Advertiser {

    private static final Logger LOG = LoggerFactory.getLogger(Advertiser.class);
    /** The longest label value the node publishes. */
    static final int MAX_LABEL = 64;
    /**
     * Marks a name in the label as an app this node founded and holds the record of without
     * running a part of it ({@code ~calculator}): not a runner, and its coordinator refuses to
     * undeploy it until this node dropped the record.
     */
    static final String FOUNDER_MARK = "~";

    private final NodeService node;

    Advertiser(NodeService node) {
        this.node = node;
    }

    /**
     * The label's value for these apps: names in order, comma-separated; a name that no longer
     * fits is left out (and logged), the names after it still tried.
     */
    static String label(Collection<String> apps) {
        StringBuilder b = new StringBuilder();
        for (String n : new TreeSet<>(apps)) {
            if (b.length() + n.length() + 1 > MAX_LABEL) {
                LOG.info("App {}: not advertised on the Ring (the apps label is full); nodes outside its "
                        + "fellowship answer 404 for it", n);
                continue;
            }
            b.append(b.length() == 0 ? "" : ",").append(n);
        }
        return b.toString();
    }

    /** Publishes the apps this node runs parts of now; none withdraws the label. */
    void publish(Collection<String> apps) {
        String value = label(apps);
        try {
            if (value.isEmpty()) {
                node.withdrawLabel(Labels.APPS);
            } else {
                node.publishLabel(Labels.APPS, value);
            }
        } catch (RuntimeException e) {
            LOG.debug("Apps label not published: {}", e.toString());
        }
    }

    /** Withdraws the label (the engine stops). */
    void withdraw() {
        try {
            node.withdrawLabel(Labels.APPS);
        } catch (RuntimeException e) {
            // the node is going away too
        }
    }
}
