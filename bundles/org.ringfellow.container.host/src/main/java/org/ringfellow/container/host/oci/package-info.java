/**
 * A complete container driver for OCI runtimes with runc's command line, on the host library:
 * {@link org.ringfellow.container.host.oci.OciRuntimeDriver} (start, stop, exec, recovery, OOM
 * detection, cgroups, user namespace, seccomp),
 * {@link org.ringfellow.container.host.oci.OciConfig} (the {@code config.json} of a spec) and
 * {@link org.ringfellow.container.host.oci.OciRuntimeOptions}. A driver for runc or crun is a DS
 * component that extends {@code OciRuntimeDriver}; embed the package privately, as for
 * {@code org.ringfellow.container.host}.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package org.ringfellow.container.host.oci;
