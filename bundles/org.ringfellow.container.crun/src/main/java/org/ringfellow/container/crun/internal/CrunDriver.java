package org.ringfellow.container.crun.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.container.host.oci.OciRuntimeDriver;
import org.ringfellow.container.host.oci.OciRuntimeOptions;

/**
 * The crun driver: the host library's {@link OciRuntimeDriver} on the crun runtime, as a DS
 * component. Its state lives under {@code <node data>/drivers/crun}, outside the bundle, so
 * containers outlive the driver and any update of it; its cgroups under
 * {@code /ringfellow-crun/<node id prefix>/<id>}.
 */
@Component(service = ContainerDriver.class, configurationPid = CrunDriver.PID,
        property = ContainerDriver.TYPE_PROPERTY + "=" + CrunDriver.TYPE)
@Designate(ocd = CrunDriver.Config.class)
public final class CrunDriver extends OciRuntimeDriver {

    /** The driver type, and the runtime's program. */
    public static final String TYPE = "crun";
    /** The configuration PID. */
    public static final String PID = "org.ringfellow.container.crun";

    /** The driver's configuration. */
    @ObjectClassDefinition(name = "Ringfellow crun driver", description = "Runs containers with crun.")
    public @interface Config {
        /**
         * The runtime's program.
         *
         * @return a path or a name looked up in PATH
         */
        @AttributeDefinition(description = "The runtime binary, a path or a name looked up in PATH")
        String binary() default TYPE;

        /**
         * The static init run as PID 1.
         *
         * @return a path; empty to run the command itself as PID 1
         */
        @AttributeDefinition(description = "Static init run as the container's PID 1 (tini-static); empty for none")
        String init() default "/usr/bin/tini-static";

        /**
         * The first host uid of the containers' user namespace.
         *
         * @return the uid; 0 disables user namespaces (the container then runs as uid 65534)
         */
        @AttributeDefinition(description = "First host uid/gid mapped to the container's root; 0: no user namespace")
        int uidBase() default 100000;
    }

    /**
     * Activates the driver in the node's data directory.
     *
     * @param node the local node
     * @param images the image store
     * @param config the configuration
     */
    @Activate
    public CrunDriver(@Reference NodeService node, @Reference ImageStore images, Config config) {
        this(new Setup(new OciRuntimeOptions(Path.of(config.binary()), Path.of(config.init()), config.uidBase(),
                node.dataDirectory().resolve("drivers").resolve(TYPE), 30_000), images, node.identity().id().hex()));
    }

    /**
     * Creates a driver outside OSGi (tests, benchmarks).
     *
     * @param options the settings
     * @param images the image store
     * @param nodeId the hex id of the owning node
     * @return the driver
     */
    public static CrunDriver create(OciRuntimeOptions options, ImageStore images, String nodeId) {
        return new CrunDriver(new Setup(options, images, nodeId));
    }

    /** One argument, so SCR never mistakes this constructor for the three-argument activation one. */
    private record Setup(OciRuntimeOptions options, ImageStore images, String nodeId) {
    }

    private CrunDriver(Setup setup) {
        super(TYPE, "/ringfellow-" + TYPE, setup.options(), setup.images(), setup.nodeId());
    }

    /** Removes the node's empty parent cgroups when the driver goes away. */
    @Deactivate
    @Override
    public void close() {
        super.close();
    }

    // Beyond the archetype: crun 1.8 refuses a hybrid host that runc accepts.

    @Override
    protected Optional<String> hostProblem() {
        try {
            return hybridProblem(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            return Optional.of("cannot read /proc/self/mountinfo: " + e.getMessage());
        }
    }

    /**
     * crun 1.8 fails every start on a cgroup v1 host ("drop all controllers from cgroupv2") while
     * a cgroup2 mount beside the v1 hierarchies holds a controller.
     *
     * @param mountinfo the lines of {@code /proc/self/mountinfo}
     * @return why crun cannot start containers here, or empty
     */
    static Optional<String> hybridProblem(List<String> mountinfo) {
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f.length < 5 || dash < 0 || !line.startsWith("cgroup2 ", dash + 3) || f[4].equals("/sys/fs/cgroup")) {
                continue;
            }
            try {
                String controllers = Files.readString(Path.of(f[4], "cgroup.controllers")).trim();
                if (!controllers.isEmpty()) {
                    String first = controllers.split(" ")[0];
                    return Optional.of("crun cannot use this hybrid cgroup host: the cgroup2 mount " + f[4]
                            + " holds controllers (" + controllers + "); mount them as v1 first, e.g. mount -t cgroup -o "
                            + first + " cgroup /sys/fs/cgroup/" + first);
                }
            } catch (IOException e) {
                // a cgroup2 mount without a readable list holds nothing crun would trip on
            }
        }
        return Optional.empty();
    }
}
