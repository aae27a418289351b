package org.ringfellow.container.internal.command;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.NetworkMode;
import org.ringfellow.api.container.ResourceLimits;

/** Starts a container from an image in the node's store, isolated by default. */
@Command(scope = "container", name = "run", description = "Run a command in a new container: container:run base -- sleep 60")
@Service
public class ContainerRunCommand implements Action {

    @Reference
    ContainerManager manager;

    @Reference
    ImageStore images;

    @Argument(index = 0, name = "image", description = "image name or digest", required = true)
    String image;

    @Argument(index = 1, name = "command", description = "the program and its arguments", required = true,
            multiValued = true)
    List<String> command;

    @Option(name = "--name", description = "container name ([a-z0-9_-], up to 63)")
    String name;

    @Option(name = "--driver", description = "driver type (default: the node's default driver)")
    String driver;

    @Option(name = "--cpu", description = "CPU limit in millicores (1000 = one core)")
    long cpu = ResourceLimits.SMALL.milliCpus();

    @Option(name = "--memory", description = "memory limit, swap included (e.g. 64m, 1g)")
    String memory = "64m";

    @Option(name = "--pids", description = "most processes")
    int pids = ResourceLimits.SMALL.pids();

    @Option(name = "--env", description = "KEY=VALUE, repeatable", multiValued = true)
    List<String> env;

    @Option(name = "--tmpfs", description = "PATH:SIZE private tmpfs, e.g. /tmp:16m, repeatable", multiValued = true)
    List<String> tmpfs;

    @Option(name = "--writable", description = "writable root file system (default: read-only)")
    boolean writable;

    @Option(name = "--network", description = "none (default) or private")
    String network = "none";

    @Override
    public Object execute() throws Exception {
        List<String> cmd = new ArrayList<>(command);
        if (!cmd.isEmpty() && cmd.get(0).equals("--")) {
            cmd.remove(0);
        }
        Image img = ImageStore.BASE.equals(image) ? images.base()
                : images.find(image).orElseThrow(() -> new IllegalArgumentException("no image '" + image
                        + "' in the store; see image:list"));
        String id = name != null ? name : "c-" + HexFormat.of().formatHex(randomBytes());
        ContainerSpec.Builder b = ContainerSpec.builder(id, img.digest(), cmd)
                .limits(new ResourceLimits(cpu, Args.bytes("--memory", memory), pids))
                .readOnlyRoot(!writable)
                .network(switch (network) {
                    case "none" -> NetworkMode.NONE;
                    case "private" -> NetworkMode.PRIVATE;
                    default -> throw new IllegalArgumentException("--network must be none or private, got " + network);
                });
        if (env != null) {
            for (String kv : env) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--env must be KEY=VALUE, got '" + kv + "'");
                }
                b.env(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        if (tmpfs != null) {
            for (String t : tmpfs) {
                int colon = t.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--tmpfs must be PATH:SIZE, got '" + t + "'");
                }
                b.mount(Mount.tmpfs(t.substring(0, colon), Args.bytes("--tmpfs size", t.substring(colon + 1))));
            }
        }
        ContainerSpec spec = b.build();
        ContainerInfo info = driver == null ? manager.run(spec) : manager.run(spec, driver);
        System.out.println(info.id() + " running on " + info.driverType());
        return null;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
