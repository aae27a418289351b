package org.ringfellow.ring.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.ResourceQuery;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.ring.internal.discovery.QueryParser;

@Command(scope = "ring", name = "find", description = "Finds alive members that match a query, best fit first "
        + "(e.g. cpus=1 memory=256m driver=runc runtime=bundle label.zone=eu limit=5)")
@Service
public class FindCommand implements Action {

    @Reference
    Ring ring;

    @Argument(index = 0, name = "query", description = "Terms key=value: cpus, memory, disk, driver (any of), "
            + "runtime, label.<key>, limit, exclude", required = false, multiValued = true)
    List<String> terms;

    @Override
    public Object execute() {
        ResourceQuery query = QueryParser.parse(terms == null ? List.of() : terms);
        List<Member> found = ring.find(query);
        if (found.isEmpty()) {
            System.out.println("No alive member matches.");
        } else {
            Format.table(found, System.out);
        }
        return null;
    }
}
