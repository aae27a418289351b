package org.ringfellow.ring.internal.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.Ring;

@Command(scope = "ring", name = "members", description = "Lists the members this node knows, in every state")
@Service
public class MembersCommand implements Action {

    @Reference
    Ring ring;

    @Override
    public Object execute() {
        List<Member> members = new ArrayList<>(ring.members());
        members.sort(Comparator.comparing(Member::state).thenComparing(Member::id));
        Format.table(members, System.out);
        return null;
    }
}
