package org.ringfellow.api.node;

import java.nio.file.Path;
import java.util.Map;

/**
 * The local node: its identity, its operator's configuration and its data directory.
 */
public interface NodeService {

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
     * Returns the operator's labels.
     *
     * @return an immutable map of labels
     */
    Map<String, String> labels();

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
}
