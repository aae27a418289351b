/**
 * The bridge between an app and its node: the versioned line protocol ({@link org.ringfellow.app.bridge.BridgeEvent}
 * from node to app, {@link org.ringfellow.app.bridge.BridgeCommand} from app to node, {@link
 * org.ringfellow.app.bridge.BridgeCodec}), the node's end ({@link org.ringfellow.app.bridge.NodeBridge}) and the
 * client an in-container launcher uses ({@link org.ringfellow.app.bridge.BridgeClient}). See
 * {@code docs/bridge-protocol.md}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.ringfellow.app.bridge;
