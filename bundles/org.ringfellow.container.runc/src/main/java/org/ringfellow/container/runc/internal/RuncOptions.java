package org.ringfellow.container.runc.internal;

import java.nio.file.Path;
import org.ringfellow.container.host.oci.OciRuntimeOptions;

/**
 * The driver's settings, parsed once from configuration.
 *
 * @param runc the runc binary
 * @param init a static init (tini) bind-mounted as the container's PID 1 so SIGTERM reaches the
 *     workload; an empty path runs the command itself as PID 1
 * @param uidBase the first host uid and gid the container's user namespace maps to; 0 disables
 *     the user namespace
 * @param stateDir where runc's state and the containers' bundles live; kept outside the bundle's
 *     own data area so a new driver instance after an update finds them
 * @param startTimeoutMillis the longest {@code start} waits for runc
 */
public record RuncOptions(Path runc, Path init, int uidBase, Path stateDir, long startTimeoutMillis) {

    /** The size of the user namespace's id range. */
    public static final int ID_RANGE = OciRuntimeOptions.ID_RANGE;

    /**
     * Defaults for a state directory: runc from PATH, tini-static as init, uid base 100000.
     *
     * @param stateDir the state directory
     * @return the options
     */
    public static RuncOptions defaults(Path stateDir) {
        return new RuncOptions(Path.of("runc"), Path.of("/usr/bin/tini-static"), 100000, stateDir, 30_000);
    }

    /**
     * The same settings for the host library's driver.
     *
     * @return them
     */
    OciRuntimeOptions oci() {
        return new OciRuntimeOptions(runc, init, uidBase, stateDir, startTimeoutMillis);
    }
}
