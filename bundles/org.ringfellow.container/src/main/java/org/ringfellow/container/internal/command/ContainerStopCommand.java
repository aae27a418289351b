package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerManager;

/** Stops a container: SIGTERM, the grace period, then SIGKILL. */
@Command(scope = "container", name = "stop", description = "Stop a container (SIGTERM, grace, then SIGKILL)")
@Service
public class ContainerStopCommand implements Action {

    @Reference
    ContainerManager manager;

    @Completion(ContainerIdCompleter.class)
    @Argument(index = 0, name = "id", required = true, description = "container id")
    String id;

    @Option(name = "--grace", description = "seconds to wait before killing (0..300)")
    int grace = 5;

    @Override
    public Object execute() throws Exception {
        manager.stop(id, Args.seconds("--grace", grace, 300));
        System.out.println(id + " stopped");
        return null;
    }
}
