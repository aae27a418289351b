package org.ringfellow.api.app;

/**
 * A member of the app's fellowship, as app code sees it. Nothing else of the node is visible.
 *
 * @param id the member's node id, in hex
 * @param name the member's node name
 * @param coordinator whether it coordinates the app now
 */
public record MemberRef(String id, String name, boolean coordinator) {
}
