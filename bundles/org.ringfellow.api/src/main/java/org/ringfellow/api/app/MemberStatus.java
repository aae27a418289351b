package org.ringfellow.api.app;

/**
 * One member's part of an app.
 *
 * @param node the member's node id, in hex
 * @param nodeName the member's node name
 * @param containerId the container running the app there
 * @param driver the driver running the container
 * @param state the state of this part
 * @param message why it is in this state, if it is not running
 */
public record MemberStatus(String node, String nodeName, String containerId, String driver, AppState state,
        String message) {
}
