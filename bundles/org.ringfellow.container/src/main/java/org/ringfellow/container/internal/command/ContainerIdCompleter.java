package org.ringfellow.container.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;

/** Completes a container id with the ids of the node's containers. */
@Service
public class ContainerIdCompleter implements Completer {

    @Reference
    ContainerManager manager;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(ids(manager)).complete(session, commandLine, candidates);
    }

    /**
     * The candidates: every container the manager knows, in its order.
     *
     * @param manager the node's container manager
     * @return the ids
     */
    static List<String> ids(ContainerManager manager) {
        return manager.list().stream().map(ContainerInfo::id).toList();
    }
}
