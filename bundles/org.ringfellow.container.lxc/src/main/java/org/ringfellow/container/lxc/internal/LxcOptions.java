package org.ringfellow.container.lxc.internal;

import java.nio.file.Path;

/**
 * The driver's settings, parsed once from configuration.
 *
 * @param toolsDir the directory of the lxc-* tools
 * @param uid the host uid the container's processes run as (no user namespace: LXC would need
 *     subordinate ids in /etc/subuid for root)
 * @param gid the host gid the container's processes run as
 * @param stateDir the driver's lxcpath and state; in the node's data directory, so containers
 *     started before a driver update are found by the new instance
 * @param startTimeoutMillis the longest {@code start} waits for the container's init
 */
public record LxcOptions(Path toolsDir, int uid, int gid, Path stateDir, long startTimeoutMillis) {

    /**
     * Defaults for a state directory: tools in /usr/bin, user nobody (65534).
     *
     * @param stateDir the state directory
     * @return the options
     */
    public static LxcOptions defaults(Path stateDir) {
        return new LxcOptions(Path.of("/usr/bin"), 65534, 65534, stateDir, 30_000);
    }

    Path tool(String name) {
        return toolsDir.resolve(name);
    }
}
