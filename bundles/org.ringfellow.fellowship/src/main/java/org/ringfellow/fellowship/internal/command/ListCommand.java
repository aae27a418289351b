package org.ringfellow.fellowship.internal.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.fellowship.Fellowship;

/** {@code fellowship:list}: the fellowships this node belongs to. */
@Command(scope = "fellowship", name = "list", description = "Lists the fellowships this node belongs to")
@Service
public class ListCommand extends FellowshipCommand {

    @Override
    Object run() {
        if (fellowships.list().isEmpty()) {
            System.out.println("This node belongs to no fellowship.");
            return null;
        }
        System.out.printf("%-24s %-9s %-7s %-7s %-14s %s%n", "Fellowship", "Members", "Epoch", "Version",
                "Coordinator", "Role");
        for (Fellowship f : fellowships.list()) {
            System.out.printf("%-24s %-9s %-7d %-7d %-14s %s%n", f.id(), f.roster().members().size() + "/"
                    + f.spec().targetSize(), f.roster().epoch(), f.roster().version(),
                    f.roster().coordinator().shortId(), f.isCoordinator() ? "coordinator" : "member");
        }
        return null;
    }
}
