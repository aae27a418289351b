/**
 * The host library for drivers that run a container engine's command line on the host (runc,
 * crun, LXC): what such a driver needs besides knowing its engine.
 *
 * <ul>
 *   <li>{@link org.ringfellow.container.host.Monitor}: the per-container monitor, a small static C
 *       program shipped in this package, that runs the engine's command in a process group of its
 *       own and writes the container's exit code to its {@code exit} file (as a child subreaper
 *       for engines that detach), so a container and its exit outlive the driver and the JVM;</li>
 *   <li>{@link org.ringfellow.container.host.MonitoredDriver}: the abstract driver over it: wait
 *       for the exit file, stop (SIGTERM, the grace period, then the engine's kill), destroy,
 *       inspect, stats, logs by offset and exec with a timeout; a subclass says how its engine
 *       finds, signals and kills a container;</li>
 *   <li>{@link org.ringfellow.container.host.CgroupsV1}: the host's cgroup mode, the mounted
 *       controllers, statistics and the OOM counter (the exit evidence of an OOM kill);</li>
 *   <li>{@link org.ringfellow.container.host.ContainerFiles}: container ids, atomic files, log
 *       chunks, command checks against the image, safe signals to a pid;</li>
 *   <li>{@link org.ringfellow.container.host.Commands}: short engine commands with bounded output
 *       and a timeout;</li>
 *   <li>{@link org.ringfellow.container.host.SeccompPolicy}: the deny list every container gets.</li>
 * </ul>
 *
 * <p>The package {@code org.ringfellow.container.host.oci} builds on it a complete driver for any
 * OCI runtime with runc's command line.
 *
 * <p><b>How to use it: embed it privately.</b> A driver bundle copies this package (classes and
 * the monitor program) with bnd's {@code -conditionalpackage: org.ringfellow.container.host.*}
 * and never imports it: the library is not deployed on a node, so each driver can be installed,
 * updated and removed alone, and two drivers built against different versions of the library
 * run side by side. The package version follows semantic versioning: a change that breaks a
 * subclass of {@code MonitoredDriver} or a caller raises the major version.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package org.ringfellow.container.host;
