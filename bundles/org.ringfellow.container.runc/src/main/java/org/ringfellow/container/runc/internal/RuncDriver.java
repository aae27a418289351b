package org.ringfellow.container.runc.internal;

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
 * The runc driver: the host library's {@link OciRuntimeDriver} on runc, as a DS component. Each
 * container is an OCI bundle under {@code <state>/containers/<id>} and a runc container in
 * {@code <state>/root}; both live in the node's data directory, not the bundle's, so they outlive
 * this driver and any update of it. Cgroups at {@code /ringfellow/<node id prefix>/<id>}.
 */
@Component(service = ContainerDriver.class, configurationPid = RuncDriver.PID,
        property = ContainerDriver.TYPE_PROPERTY + "=" + RuncDriver.TYPE)
@Designate(ocd = RuncDriver.Config.class)
public final class RuncDriver extends OciRuntimeDriver {

    /** The driver type. */
    public static final String TYPE = "runc";
    /** The configuration PID. */
    public static final String PID = "org.ringfellow.container.runc";

    /** The driver's configuration. */
    @ObjectClassDefinition(name = "Ringfellow runc driver", description = "Runs containers with runc.")
    public @interface Config {
        /**
         * The runc binary.
         *
         * @return a path or a name looked up in PATH
         */
        @AttributeDefinition(description = "runc binary, a path or a name looked up in PATH")
        String runc() default "runc";

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
    public RuncDriver(@Reference NodeService node, @Reference ImageStore images, Config config) {
        this(new Setup(new RuncOptions(Path.of(config.runc()), Path.of(config.init()), config.uidBase(),
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
    public static RuncDriver create(RuncOptions options, ImageStore images, String nodeId) {
        return new RuncDriver(new Setup(options, images, nodeId));
    }

    /** One argument, so SCR never mistakes this constructor for the three-argument activation one. */
    private record Setup(RuncOptions options, ImageStore images, String nodeId) {
    }

    private RuncDriver(Setup setup) {
        super(TYPE, "/ringfellow", setup.options().oci(), setup.images(), setup.nodeId());
    }

    /** Removes the node's empty parent cgroups when the driver goes away. */
    @Deactivate
    @Override
    public void close() {
        super.close();
    }
}
