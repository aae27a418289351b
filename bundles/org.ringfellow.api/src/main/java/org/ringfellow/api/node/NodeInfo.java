package org.ringfellow.api.node;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a node says about itself: the answer of {@code node:info}.
 *
 * @param id the node's id
 * @param name the operator's name for the node
 * @param version the Ringfellow version the node runs
 * @param contributed the resources the operator contributes to the Ring
 * @param labels the operator's labels (for example {@code zone=eu})
 * @param drivers the types of the container drivers present now
 * @param runtimes the types of the application runtimes present now
 * @param configProblem why the latest configuration was refused, if it was; the node then
 *     keeps its last good configuration
 */
public record NodeInfo(NodeId id, String name, String version, Resources contributed, Map<String, String> labels,
        List<String> drivers, List<String> runtimes, Optional<String> configProblem) {

    /** Makes the collections immutable. */
    public NodeInfo {
        labels = Map.copyOf(labels);
        drivers = List.copyOf(drivers);
        runtimes = List.copyOf(runtimes);
    }
}
