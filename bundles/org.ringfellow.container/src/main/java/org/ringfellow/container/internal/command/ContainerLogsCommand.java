package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.LogChunk;

/** Prints a container's combined output. */
@Command(scope = "container", name = "logs", description = "Print a container's output")
@Service
public class ContainerLogsCommand implements Action {

    @Reference
    ContainerManager manager;

    @Completion(ContainerIdCompleter.class)
    @Argument(index = 0, name = "id", required = true, description = "container id")
    String id;

    @Option(name = "--offset", description = "byte offset to start from")
    long offset;

    @Option(name = "--max", description = "most bytes to print (up to 1048576)")
    int max = 64 * 1024;

    @Override
    public Object execute() throws Exception {
        if (offset < 0 || max < 1 || max > 1024 * 1024) {
            throw new IllegalArgumentException("--offset must be >= 0 and --max 1..1048576");
        }
        LogChunk chunk = manager.logs(id, offset, max);
        System.out.print(chunk.text());
        if (!chunk.text().isEmpty() && !chunk.text().endsWith("\n")) {
            System.out.println();
        }
        return null;
    }
}
