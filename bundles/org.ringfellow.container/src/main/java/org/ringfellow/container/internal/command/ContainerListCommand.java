package org.ringfellow.container.internal.command;

import java.time.Duration;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerState;

/** Lists this node's containers, including detached ones whose driver is absent. */
@Command(scope = "container", name = "list", description = "List this node's containers")
@Service
public class ContainerListCommand implements Action {

    @Reference
    ContainerManager manager;

    @Override
    public Object execute() {
        System.out.printf("%-24s %-7s %-9s %-14s %-6s %-6s %-5s %s%n", "ID", "DRIVER", "STATE", "IMAGE", "CPU", "MEM",
                "PIDS", "UPTIME");
        Instant now = Instant.now();
        for (ContainerInfo c : manager.list()) {
            String uptime = c.state() == ContainerState.RUNNING || c.state() == ContainerState.DETACHED
                    ? Args.uptime(Duration.between(c.startedAt(), now))
                    : c.exit().map(e -> "exit " + e.exitCode() + (e.oomKilled() ? " (oom)" : "")).orElse("-");
            String image = c.imageName().isEmpty() ? c.image().substring(7, 19) : c.imageName();
            System.out.printf("%-24s %-7s %-9s %-14s %-6s %-6s %-5d %s%n", c.id(), c.driverType(),
                    c.state().name().toLowerCase(java.util.Locale.ROOT), image,
                    c.limits().milliCpus() == 0 ? "-" : c.limits().milliCpus() + "m", Args.human(c.limits().memoryBytes()),
                    c.limits().pids(), uptime);
        }
        return null;
    }
}
