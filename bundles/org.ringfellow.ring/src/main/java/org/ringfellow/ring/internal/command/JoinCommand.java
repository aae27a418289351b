package org.ringfellow.ring.internal.command;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingException;

@Command(scope = "ring", name = "join", description = "Joins the Ring through seed members")
@Service
public class JoinCommand implements Action {

    @Reference
    Ring ring;

    @Argument(index = 0, name = "seeds", description = "Seed members as host:port", required = true,
            multiValued = true)
    List<String> seeds;

    @Override
    public Object execute() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String s : seeds) {
            try {
                endpoints.add(Endpoint.parse(s));
            } catch (IllegalArgumentException e) {
                System.err.println("Error: " + e.getMessage());
                return null;
            }
        }
        try {
            ring.join(endpoints);
            System.out.println("Joined; " + ring.members().size() + " members known.");
        } catch (RingException e) {
            System.err.println("Error: " + e.getMessage());
        }
        return null;
    }
}
