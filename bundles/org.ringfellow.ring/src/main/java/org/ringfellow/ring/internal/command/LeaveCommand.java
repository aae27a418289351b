package org.ringfellow.ring.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.ring.Ring;

@Command(scope = "ring", name = "leave", description = "Leaves the Ring gracefully (the departure is announced)")
@Service
public class LeaveCommand implements Action {

    @Reference
    Ring ring;

    @Override
    public Object execute() {
        ring.leave();
        System.out.println("Left the Ring.");
        return null;
    }
}
