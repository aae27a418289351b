package org.ringfellow.fellowship.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipMember;

/** {@code fellowship:members}: a fellowship's roster in succession order. */
@Command(scope = "fellowship", name = "members", description = "Shows a fellowship's signed roster, in succession "
        + "order")
@Service
public class MembersCommand extends FellowshipCommand {

    @Argument(index = 0, name = "id", required = true, description = "The fellowship id")
    @Completion(FellowshipIdCompleter.class)
    String id;

    @Override
    Object run() {
        Fellowship f = fellowship(id);
        System.out.println(f.id() + ": roster version " + f.roster().version() + ", epoch " + f.roster().epoch());
        print(f);
        return null;
    }

    static void print(Fellowship f) {
        System.out.printf("%-3s %-14s %-24s %s%n", "#", "Node", "Channel", "Role");
        List<FellowshipMember> members = f.roster().members();
        for (int i = 0; i < members.size(); i++) {
            FellowshipMember m = members.get(i);
            System.out.printf("%-3d %-14s %-24s %s%n", i + 1, m.node().shortId(), m.channel(),
                    m.node().equals(f.roster().coordinator()) ? "coordinator" : "member");
        }
    }
}
