/**
 * Node identity, contributed resources, node information, the node's durable key-value store, and the
 * latency histogram the services keep for the metrics.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.ringfellow.api.node;
