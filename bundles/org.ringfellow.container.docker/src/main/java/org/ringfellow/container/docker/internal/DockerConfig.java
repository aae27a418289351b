package org.ringfellow.container.docker.internal;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.TmpfsOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.Mount;

/**
 * What dockerd is asked to create for a spec: a pure mapping from {@link ContainerSpec} to the
 * create request and its {@link HostConfig}, tested without an engine, as {@code OciConfig} is
 * for the runc driver. It checks nothing the engine checks (image, network mode, bind sources);
 * the driver refuses those before.
 *
 * @param name the container's docker name ({@code rf-<node id prefix>-<id>})
 * @param image the imported image's reference
 * @param command the program and its arguments
 * @param env the environment as {@code KEY=value}
 * @param workingDir the working directory
 * @param labels the spec's labels and the owner, id and image labels
 * @param user the user to run as; empty for the image's default
 * @param host the isolation and limits
 */
record DockerConfig(String name, String image, List<String> command, List<String> env, String workingDir,
        Map<String, String> labels, String user, HostConfig host) {

    /** The tmpfs mode: world-writable like /tmp, since the container's user is not root. */
    static final int TMPFS_MODE = 01777;

    /**
     * Maps a spec.
     *
     * @param spec what to run
     * @param image the reference of its image in dockerd
     * @param nodeId the owning node's id
     * @param options the driver's settings (the user)
     * @return the create request
     */
    static DockerConfig of(ContainerSpec spec, String image, String nodeId, DockerOptions options) {
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withReadonlyRootfs(spec.readOnlyRoot())
                .withCapDrop(Capability.ALL)
                // dockerd's default seccomp profile stays on: never seccomp=unconfined
                .withSecurityOpts(List.of("no-new-privileges"))
                .withInit(true)
                .withMemory(spec.limits().memoryBytes())
                .withMemorySwap(spec.limits().memoryBytes())
                .withPidsLimit((long) spec.limits().pids());
        if (spec.limits().milliCpus() > 0) {
            host.withCpuPeriod(100_000L).withCpuQuota(spec.limits().milliCpus() * 100L);
        }
        List<com.github.dockerjava.api.model.Mount> mounts = new ArrayList<>();
        for (Mount m : spec.mounts()) {
            com.github.dockerjava.api.model.Mount dm = new com.github.dockerjava.api.model.Mount()
                    .withTarget(m.target()).withReadOnly(m.readOnly());
            if (m.type() == Mount.Type.BIND) {
                dm.withType(MountType.BIND).withSource(m.source());
            } else {
                dm.withType(MountType.TMPFS).withTmpfsOptions(new TmpfsOptions().withSizeBytes(m.sizeBytes())
                        .withMode(TMPFS_MODE));
            }
            mounts.add(dm);
        }
        if (!mounts.isEmpty()) {
            host.withMounts(mounts);
        }
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(ContainerDriver.OWNER_LABEL, nodeId);
        labels.put(DockerDriver.ID_LABEL, spec.name());
        labels.put("org.ringfellow.image", spec.image());
        List<String> env = new ArrayList<>();
        spec.env().forEach((k, v) -> env.add(k + "=" + v));
        return new DockerConfig(dockerName(nodeId, spec.name()), image, List.copyOf(spec.command()), List.copyOf(env),
                spec.workingDir(), Map.copyOf(labels), options.user(), host);
    }

    /**
     * The docker name of a container: the node's id prefix keeps two nodes on one dockerd apart.
     *
     * @param nodeId the owning node's id
     * @param id the container's Ringfellow id
     * @return {@code rf-<first 12 characters of the node id>-<id>}
     */
    static String dockerName(String nodeId, String id) {
        return "rf-" + nodeId.substring(0, Math.min(12, nodeId.length())) + "-" + id;
    }

    /**
     * Fills a create command of docker-java with this request.
     *
     * @param cmd a command made by {@code createContainerCmd(image())}
     * @return the same command
     */
    CreateContainerCmd applyTo(CreateContainerCmd cmd) {
        cmd.withName(name).withCmd(command).withEnv(env).withWorkingDir(workingDir).withLabels(labels)
                .withHostConfig(host);
        if (!user.isEmpty()) {
            cmd.withUser(user);
        }
        return cmd;
    }
}
