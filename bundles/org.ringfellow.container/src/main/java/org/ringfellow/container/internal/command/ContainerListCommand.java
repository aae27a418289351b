package org.ringfellow.container.internal.command;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerState;

/**
 * Lists this node's containers, including detached ones whose driver is absent. The columns are
 * sized to their content (Karaf's {@link ShellTable}), so a long image name never pushes the
 * columns after it out of line; an image name longer than {@link #IMAGE_WIDTH} is cut with an
 * ellipsis ({@code container:stats} shows it whole).
 */
@Command(scope = "container", name = "list", description = "List this node's containers")
@Service
public class ContainerListCommand implements Action {

    /** The widest image name shown whole. */
    static final int IMAGE_WIDTH = 32;

    @Reference
    ContainerManager manager;

    @Override
    public Object execute() {
        print(manager.list(), Instant.now(), System.out);
        return null;
    }

    static void print(List<ContainerInfo> containers, Instant now, PrintStream out) {
        ShellTable table = new ShellTable().forceAscii().emptyTableText("no containers");
        for (String header : List.of("ID", "DRIVER", "STATE", "IMAGE", "CPU", "MEM", "PIDS", "UPTIME")) {
            table.column(header);
        }
        for (ContainerInfo c : containers) {
            String uptime = c.state() == ContainerState.RUNNING || c.state() == ContainerState.DETACHED
                    ? Args.uptime(Duration.between(c.startedAt(), now))
                    : c.exit().map(e -> "exit " + e.exitCode() + (e.oomKilled() ? " (oom)" : "")).orElse("-");
            String image = c.imageName().isEmpty() ? shortDigest(c.image()) : c.imageName();
            table.addRow().addContent(c.id(), c.driverType(), c.state().name().toLowerCase(Locale.ROOT),
                    Args.ellipsis(image, IMAGE_WIDTH),
                    c.limits().milliCpus() == 0 ? "-" : c.limits().milliCpus() + "m",
                    Args.human(c.limits().memoryBytes()), c.limits().pids(), uptime);
        }
        table.print(out, true);
    }

    /** The first twelve hex digits of a {@code sha256:} digest, or the digest itself if it is shorter. */
    static String shortDigest(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
