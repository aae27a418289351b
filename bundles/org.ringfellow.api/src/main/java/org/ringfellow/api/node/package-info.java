/**
 * Node identity, contributed resources, node information and the node's durable key-value store.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.ringfellow.api.node;
