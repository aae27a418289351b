package org.ringfellow.fellowship.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.fellowship.FellowshipException;

/** {@code fellowship:leave}: leaves a fellowship cleanly. */
@Command(scope = "fellowship", name = "leave", description = "Leaves a fellowship cleanly and releases this node's "
        + "reservation; the coordinator recruits a replacement")
@Service
public class LeaveCommand extends FellowshipCommand {

    @Argument(index = 0, name = "id", required = true, description = "The fellowship id")
    @Completion(FellowshipIdCompleter.class)
    String id;

    @Override
    Object run() throws FellowshipException {
        fellowship(id).leave();
        System.out.println("Left " + id.trim() + ".");
        return null;
    }
}
