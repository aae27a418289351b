package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerManager;

/** Chooses the driver for new containers; running containers stay where they are. */
@Command(scope = "driver", name = "use", description = "Choose the driver new containers are started with")
@Service
public class DriverUseCommand implements Action {

    @Reference
    ContainerManager manager;

    @Completion(DriverTypeCompleter.class)
    @Argument(index = 0, name = "type", description = "driver type (runc, lxc, docker)", required = true)
    String type;

    @Override
    public Object execute() throws Exception {
        manager.useDriver(type);
        System.out.println("new containers now start on " + type);
        return null;
    }
}
