package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerStats;

/** Prints a running container's resource usage, read from its cgroups. */
@Command(scope = "container", name = "stats", description = "Show a running container's CPU, memory and processes")
@Service
public class ContainerStatsCommand implements Action {

    @Reference
    ContainerManager manager;

    @Completion(ContainerIdCompleter.class)
    @Argument(index = 0, name = "id", required = true, description = "container id")
    String id;

    @Override
    public Object execute() throws Exception {
        ContainerStats s = manager.stats(id);
        System.out.printf("CPU time : %.3f s%nMemory   : %s of %s%nProcesses: %d%n", s.cpuNanos() / 1e9,
                Args.human(s.memoryBytes()), Args.human(s.memoryLimitBytes()), s.pids());
        return null;
    }
}
