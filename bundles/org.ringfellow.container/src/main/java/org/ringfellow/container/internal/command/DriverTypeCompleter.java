package org.ringfellow.container.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.DriverInfo;

/** Completes a driver type with the types of the drivers present on the node. */
@Service
public class DriverTypeCompleter implements Completer {

    @Reference
    ContainerManager manager;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(types(manager)).complete(session, commandLine, candidates);
    }

    /**
     * The candidates: the type of every driver present.
     *
     * @param manager the node's container manager
     * @return the types
     */
    static List<String> types(ContainerManager manager) {
        return manager.drivers().stream().map(DriverInfo::type).toList();
    }
}
