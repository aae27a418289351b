package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerManager;

/** Removes a container and everything made for it, killing it if it runs. */
@Command(scope = "container", name = "destroy", description = "Remove a container, killing it if it runs")
@Service
public class ContainerDestroyCommand implements Action {

    @Reference
    ContainerManager manager;

    @Completion(ContainerIdCompleter.class)
    @Argument(index = 0, name = "id", required = true, description = "container id")
    String id;

    @Override
    public Object execute() throws Exception {
        manager.destroy(id);
        System.out.println(id + " destroyed");
        return null;
    }
}
