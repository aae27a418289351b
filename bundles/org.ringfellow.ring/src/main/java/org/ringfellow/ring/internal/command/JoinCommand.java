package org.ringfellow.ring.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingException;
import org.ringfellow.ring.internal.Seeds;

/**
 * Joins the Ring through seed members. A seed given without a port gets {@link Ring#DEFAULT_PORT}; a
 * seed that cannot be read, or a join that fails, ends the command with Karaf's error line.
 */
@Command(scope = "ring", name = "join", description = "Joins the Ring through seed members")
@Service
public class JoinCommand implements Action {

    @Reference
    Ring ring;

    @Argument(index = 0, name = "seeds", description = "Seed members as host:port, or host for port "
            + Ring.DEFAULT_PORT, required = true, multiValued = true)
    @Completion(SeedCompleter.class)
    List<String> seeds;

    @Override
    public Object execute() throws RingException {
        List<Endpoint> endpoints = parse(seeds);
        System.out.println("Joining through " + endpoints + " ...");
        ring.join(endpoints);
        System.out.println("Joined; " + ring.view().members().size() + " members known.");
        return null;
    }

    /**
     * Reads the seeds.
     *
     * @throws IllegalArgumentException naming the seed that cannot be read
     */
    static List<Endpoint> parse(List<String> seeds) {
        List<Endpoint> endpoints = Seeds.parse(seeds == null ? List.of() : seeds);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("give at least one seed as host:port or host");
        }
        return endpoints;
    }
}
