package org.ringfellow.container.internal.command;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ExecResult;

/** Runs a command in a running container, under its limits and isolation. */
@Command(scope = "container", name = "exec", description = "Run a command in a running container")
@Service
public class ContainerExecCommand implements Action {

    @Reference
    ContainerManager manager;

    @Completion(ContainerIdCompleter.class)
    @Argument(index = 0, name = "id", required = true, description = "container id")
    String id;

    @Argument(index = 1, name = "command", required = true, multiValued = true, description = "program and arguments")
    List<String> command;

    @Option(name = "--timeout", description = "seconds before the command is killed (1..3600)")
    int timeout = 30;

    @Override
    public Object execute() throws Exception {
        List<String> cmd = new ArrayList<>(command);
        if (!cmd.isEmpty() && cmd.get(0).equals("--")) {
            cmd.remove(0);
        }
        if (cmd.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        if (timeout < 1) {
            throw new IllegalArgumentException("--timeout must be 1..3600 seconds");
        }
        ExecResult r = manager.exec(id, cmd, Args.seconds("--timeout", timeout, 3600));
        System.out.print(r.stdout());
        System.err.print(r.stderr());
        if (r.exitCode() != 0) {
            System.out.println("(exit " + r.exitCode() + ")");
        }
        return null;
    }
}
