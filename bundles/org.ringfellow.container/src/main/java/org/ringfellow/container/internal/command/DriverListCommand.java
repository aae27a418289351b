package org.ringfellow.container.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.container.Capability;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.DriverInfo;

/** Lists the container drivers present, with their health; {@code *} marks the default. */
@Command(scope = "driver", name = "list", description = "List the container drivers present and their health")
@Service
public class DriverListCommand implements Action {

    @Reference
    ContainerManager manager;

    @Override
    public Object execute() {
        System.out.printf("%-2s %-8s %-14s %-11s %s%n", "", "TYPE", "VERSION", "HEALTH", "CAPABILITIES / REASON");
        for (DriverInfo d : manager.drivers()) {
            StringBuilder caps = new StringBuilder();
            for (Capability c : d.capabilities()) {
                caps.append(caps.length() == 0 ? "" : ",").append(c.name().toLowerCase(java.util.Locale.ROOT));
            }
            System.out.printf("%-2s %-8s %-14s %-11s %s%s%n", d.isDefault() ? "*" : "", d.type(),
                    d.fingerprint().version().isEmpty() ? "-" : d.fingerprint().version(), d.fingerprint().health(),
                    caps, d.fingerprint().reason().isEmpty() ? "" : "  (" + d.fingerprint().reason() + ")");
        }
        if (manager.drivers().isEmpty()) {
            System.out.println("no container driver is present; install one, e.g. feature:install ringfellow-driver-runc");
        }
        return null;
    }
}
