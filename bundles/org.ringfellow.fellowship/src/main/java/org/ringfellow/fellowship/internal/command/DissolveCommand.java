package org.ringfellow.fellowship.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.fellowship.FellowshipException;

/** {@code fellowship:dissolve}: ends a fellowship this node coordinates. */
@Command(scope = "fellowship", name = "dissolve", description = "Dissolves a fellowship this node coordinates: "
        + "every member releases its reservation")
@Service
public class DissolveCommand extends FellowshipCommand {

    @Argument(index = 0, name = "id", required = true, description = "The fellowship id")
    @Completion(FellowshipIdCompleter.class)
    String id;

    @Override
    Object run() throws FellowshipException {
        fellowship(id).dissolve();
        System.out.println("Dissolved " + id.trim() + ".");
        return null;
    }
}
