package org.ringfellow.runtime.command.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.api.runtime.BridgeTransport;
import org.ringfellow.api.runtime.RuntimeLaunch;
import org.ringfellow.api.runtime.RuntimePlan;

/**
 * Runs any executable as an app. The artifact is a jar whose manifest carries the app's headers;
 * its files are unpacked read-only at {@value #APP_DIR}, in a container of the {@code base}
 * image (or the image named by {@value #HEADER_IMAGE}). The program's stdin and stdout are the
 * two named pipes of a {@link BridgeTransport#FIFO_PAIR} bridge mounted at {@value #BRIDGE_DIR}:
 * a shell opens them and then becomes the program, so the program needs nothing but stdio.
 *
 * <p>Why pipes and not the socket: a container has no network and busybox {@code nc} cannot
 * open a unix socket, so a program that only reads and writes lines would need an adapter in
 * every image. Pipes are opened by the shell's redirections, need nothing in the image but
 * {@code /bin/sh}, and the node sees the program's end of input and output as it would a socket's.
 */
@Component(service = ApplicationRuntime.class, property = ApplicationRuntime.TYPE_PROPERTY + "="
        + CommandRuntime.TYPE)
public final class CommandRuntime implements ApplicationRuntime {

    static final String TYPE = "command";
    /** Optional manifest header naming the image to run in, by name or digest; {@code base} if absent. */
    static final String HEADER_IMAGE = "Ringfellow-App-Image";
    /** Where the bridge directory is mounted (read-only: pipes stay writable, the app cannot add files). */
    static final String BRIDGE_DIR = "/run";
    /** Where the app's files are mounted, read-only. */
    static final String APP_DIR = "/opt";
    static final long TMP_BYTES = 16L << 20;
    /** Opens the pipes in the order the node does (events, then commands), then becomes the program. */
    static final String WRAPPER = "exec \"$0\" \"$@\" <" + BRIDGE_DIR + "/" + BridgeTransport.EVENTS_FIFO + " >"
            + BRIDGE_DIR + "/" + BridgeTransport.COMMANDS_FIFO;

    private final ImageStore images;

    /**
     * Creates the runtime.
     *
     * @param images the node's images
     */
    @Activate
    public CommandRuntime(@Reference ImageStore images) {
        this.images = images;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void check(AppDescriptor app) throws DriverException {
        if (!TYPE.equals(app.runtime())) {
            throw new DriverException(Kind.INVALID_SPEC, "app " + app.name() + " asks for runtime " + app.runtime()
                    + ", not " + TYPE);
        }
        entry(app);
    }

    @Override
    public RuntimePlan prepare(RuntimeLaunch launch) throws DriverException {
        AppDescriptor app = launch.app();
        check(app);
        List<String> entry = entry(app);
        String program = entry.get(0);
        Path appDir = launch.workDirectory().resolve("app");
        Image image;
        try {
            Map<String, String> headers = AppFiles.headers(launch.artifact());
            String imageName = headers.getOrDefault(HEADER_IMAGE, ImageStore.BASE).trim();
            image = ImageStore.BASE.equals(imageName) ? images.base() : images.find(imageName).orElseThrow(
                    () -> new DriverException(Kind.INVALID_SPEC, "app " + app.name() + " runs in image " + imageName
                            + ", which is not on this node (import it with image:import)"));
            AppFiles.unpack(launch.artifact(), appDir, program.startsWith("/") ? Set.of() : Set.of(program));
            if (!program.startsWith("/") && !Files.isRegularFile(appDir.resolve(program))) {
                throw new DriverException(Kind.INVALID_SPEC, "the entry " + program + " named by "
                        + AppDescriptor.HEADER_ENTRY + " is not a file in the artifact");
            }
            Files.setPosixFilePermissions(launch.bridgeDirectory(), PosixFilePermissions.fromString("rwxr-xr-x"));
            AppFiles.traversable(appDir);
            AppFiles.traversable(launch.bridgeDirectory());
        } catch (AppFiles.BadArtifactException e) {
            throw new DriverException(Kind.INVALID_SPEC, "app " + app.name() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot prepare the files of app " + app.name() + ": "
                    + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER));
        command.add(program.startsWith("/") ? program : APP_DIR + "/" + program);
        command.addAll(entry.subList(1, entry.size()));
        ContainerSpec spec = ContainerSpec.builder(launch.containerName(), image.digest(), command)
                .env("RINGFELLOW_APP", app.name())
                .env("RINGFELLOW_BRIDGE", BRIDGE_DIR)
                .env("RINGFELLOW_APP_DIR", APP_DIR)
                .workingDir(APP_DIR)
                .limits(app.perMember())
                .mount(Mount.bindReadOnly(appDir.toAbsolutePath().toString(), APP_DIR))
                .mount(Mount.bindReadOnly(launch.bridgeDirectory().toAbsolutePath().toString(), BRIDGE_DIR))
                .mount(Mount.tmpfs("/tmp", TMP_BYTES))
                .label("ringfellow.app", app.name())
                .label("ringfellow.runtime", TYPE)
                .stopGrace(Duration.ofSeconds(5))
                .build();
        return new RuntimePlan(spec, BridgeTransport.FIFO_PAIR);
    }

    /** The entry is a program and its arguments separated by spaces: a path in the artifact, or absolute in the image. */
    private static List<String> entry(AppDescriptor app) throws DriverException {
        List<String> parts = Arrays.stream(app.entry().trim().split("\\s+")).toList();
        String program = parts.get(0);
        if (program.contains("..") || program.startsWith("./") || program.endsWith("/")) {
            throw new DriverException(Kind.INVALID_SPEC, "the entry of app " + app.name() + " must be a path in the "
                    + "artifact such as bin/app.sh, or an absolute path in the image, without '..': " + program);
        }
        return parts;
    }
}
