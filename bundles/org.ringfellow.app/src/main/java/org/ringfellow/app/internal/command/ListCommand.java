package org.ringfellow.app.internal.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;

/** {@code app:list}: the apps this node deployed or runs a part of. */
@Command(scope = "app", name = "list", description = "Lists the apps this node deployed or runs a part of")
@Service
public class ListCommand extends AppCommand {

    @Override
    Object run() {
        var all = apps.list();
        if (all.isEmpty()) {
            System.out.println("No app is deployed on this node.");
            return null;
        }
        System.out.printf("%-20s %-12s %-8s %-8s %-10s %s%n", "App", "Version", "Runtime", "Members", "State",
                "Message");
        for (AppStatus s : all) {
            long running = s.members().stream().filter(m -> m.state() == org.ringfellow.api.app.AppState.RUNNING)
                    .count();
            System.out.printf("%-20s %-12s %-8s %-8s %-10s %s%n", s.descriptor().name(), s.descriptor().version(),
                    s.descriptor().runtime(), running + "/" + s.descriptor().size(), s.state(), s.message());
        }
        return null;
    }

    static String driver(MemberStatus m) {
        return m.driver() == null ? "-" : m.driver();
    }
}
