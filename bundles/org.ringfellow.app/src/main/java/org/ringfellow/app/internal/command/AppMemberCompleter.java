package org.ringfellow.app.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;

/** Completes the node ids of the members of the apps this node runs a part of. */
@Service
public class AppMemberCompleter implements Completer {

    @Reference
    AppService apps;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        for (AppStatus s : apps.list()) {
            for (MemberStatus m : s.members()) {
                ids.getStrings().add(m.node());
            }
        }
        return ids.complete(session, commandLine, candidates);
    }
}
