package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;

/** Moves a stateless container to another driver: stop, then start again from the same spec. */
@Command(scope = "driver", name = "migrate",
        description = "Move a stateless container to another driver (it is stopped and started again)")
@Service
public class DriverMigrateCommand implements Action {

    @Reference
    ContainerManager manager;

    @Completion(ContainerIdCompleter.class)
    @Argument(index = 0, name = "id", required = true, description = "container id")
    String id;

    @Completion(DriverTypeCompleter.class)
    @Argument(index = 1, name = "type", required = true, description = "driver type to move it to")
    String type;

    @Override
    public Object execute() throws Exception {
        ContainerInfo moved = manager.migrate(id, type);
        System.out.println(moved.id() + " now runs on " + moved.driverType());
        return null;
    }
}
