package ${package}.internal;

import java.nio.file.Path;
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
 * The ${engine} driver: the host library's {@link OciRuntimeDriver} on the ${engine} runtime, as a DS
 * component. Its state lives under {@code <node data>/drivers/${engine}}, outside the bundle, so
 * containers outlive the driver and any update of it; its cgroups under
 * {@code /ringfellow-${engine}/<node id prefix>/<id>}.
 */
@Component(service = ContainerDriver.class, configurationPid = ${driverClass}.PID,
        property = ContainerDriver.TYPE_PROPERTY + "=" + ${driverClass}.TYPE)
@Designate(ocd = ${driverClass}.Config.class)
public final class ${driverClass} extends OciRuntimeDriver {

    /** The driver type, and the runtime's program. */
    public static final String TYPE = "${engine}";
    /** The configuration PID. */
    public static final String PID = "${package}";

    /** The driver's configuration. */
    @ObjectClassDefinition(name = "Ringfellow ${engine} driver", description = "Runs containers with ${engine}.")
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
    public ${driverClass}(@Reference NodeService node, @Reference ImageStore images, Config config) {
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
    public static ${driverClass} create(OciRuntimeOptions options, ImageStore images, String nodeId) {
        return new ${driverClass}(new Setup(options, images, nodeId));
    }

    /** One argument, so SCR never mistakes this constructor for the three-argument activation one. */
    private record Setup(OciRuntimeOptions options, ImageStore images, String nodeId) {
    }

    private ${driverClass}(Setup setup) {
        super(TYPE, "/ringfellow-" + TYPE, setup.options(), setup.images(), setup.nodeId());
    }

    /** Removes the node's empty parent cgroups when the driver goes away. */
    @Deactivate
    @Override
    public void close() {
        super.close();
    }
}
