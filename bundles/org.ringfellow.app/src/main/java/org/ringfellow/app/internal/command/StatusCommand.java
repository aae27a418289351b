package org.ringfellow.app.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;

/** {@code app:status}: one app, member by member. */
@Command(scope = "app", name = "status", description = "Shows an app's state and, per member, its node, container, "
        + "driver and state")
@Service
public class StatusCommand extends AppCommand {

    @Completion(AppNameCompleter.class)
    @Argument(index = 0, name = "name", required = true, description = "The app's name")
    String name;

    @Override
    Object run() {
        AppStatus s = apps.status(name(name)).orElseThrow(() -> new IllegalArgumentException("no app named "
                + name + " is deployed on this node"));
        System.out.println("App:      " + s.descriptor().name() + " " + s.descriptor().version());
        System.out.println("State:    " + s.state() + " (" + s.message() + ")");
        System.out.println("Runtime:  " + s.descriptor().runtime() + ", entry " + s.descriptor().entry());
        System.out.println("Size:     " + s.descriptor().size());
        System.out.println("Artifact: " + s.digest());
        if (!s.members().isEmpty()) {
            System.out.printf("%-14s %-16s %-14s %-8s %-10s %s%n", "Node", "Name", "Container", "Driver", "State",
                    "Message");
            for (MemberStatus m : s.members()) {
                System.out.printf("%-14s %-16s %-14s %-8s %-10s %s%n", m.node().substring(0, 12), m.nodeName(),
                        m.containerId() == null ? "-" : m.containerId().substring(0, Math.min(12,
                                m.containerId().length())), ListCommand.driver(m), m.state(), m.message());
            }
        }
        return null;
    }
}
