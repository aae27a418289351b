package org.ringfellow.container.host.oci;

import java.nio.file.Path;

/**
 * The settings of an {@link OciRuntimeDriver}, parsed once from its configuration.
 *
 * @param binary the runtime's program (runc, crun, ...): a path, or a name looked up in PATH and
 *     the sbin directories
 * @param init a static init (tini) bind-mounted as the container's PID 1 so SIGTERM reaches the
 *     workload; an empty path runs the command itself as PID 1
 * @param uidBase the first host uid and gid the container's user namespace maps to; 0 disables
 *     the user namespace (the workload then runs as uid 65534)
 * @param stateDir where the runtime's state ({@code root/}), the containers' bundles
 *     ({@code containers/}) and the monitor ({@code bin/}) live; keep it under
 *     {@code NodeService.dataDirectory()}, outside the bundle's own data area, so a new driver
 *     instance after an update finds them
 * @param startTimeoutMillis the longest {@code start} waits for the runtime, 1 ms to 10 min
 */
public record OciRuntimeOptions(Path binary, Path init, int uidBase, Path stateDir, long startTimeoutMillis) {

    /** The size of the user namespace's id range. */
    public static final int ID_RANGE = 65536;

    /**
     * Checks the values.
     *
     * @param binary the runtime's program
     * @param init the init, or an empty path (null means none)
     * @param uidBase the first mapped host uid, or 0
     * @param stateDir the state directory
     * @param startTimeoutMillis the longest start
     * @throws IllegalArgumentException naming the bad value
     */
    public OciRuntimeOptions {
        if (binary == null || binary.toString().isEmpty()) {
            throw new IllegalArgumentException("the runtime binary must be named, got '" + binary + "'");
        }
        if (init == null) {
            init = Path.of("");
        }
        if (uidBase < 0 || (long) uidBase + ID_RANGE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("uidBase must be 0 or leave room for " + ID_RANGE + " ids, got "
                    + uidBase);
        }
        if (stateDir == null) {
            throw new IllegalArgumentException("a state directory is needed");
        }
        if (startTimeoutMillis < 1 || startTimeoutMillis > 600_000) {
            throw new IllegalArgumentException("startTimeoutMillis must be 1..600000, got " + startTimeoutMillis);
        }
    }

    /**
     * Defaults for a runtime and a state directory: tini-static as init, uid base 100000, 30 s to start.
     *
     * @param binary the runtime's program
     * @param stateDir the state directory
     * @return the options
     */
    public static OciRuntimeOptions defaults(Path binary, Path stateDir) {
        return new OciRuntimeOptions(binary, Path.of("/usr/bin/tini-static"), 100000, stateDir, 30_000);
    }
}
