package org.ringfellow.fellowship.internal.command;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipSpec;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;

/** {@code fellowship:create}: founds a fellowship and waits until it is formed. */
@Command(scope = "fellowship", name = "create", description = "Founds a fellowship: recruits members from the Ring "
        + "until it has its size, and prints its roster. Options go before the arguments.")
@Service
public class CreateCommand extends FellowshipCommand {

    @Argument(index = 0, name = "id", required = true, description = "The fellowship id: 1-64 of [a-z0-9._-]")
    String id;

    @Argument(index = 1, name = "size", required = true, description = "How many members, this node included (1-256)")
    int size;

    @Option(name = "--cpus", description = "CPU each member reserves, e.g. 0.5 (default 0)")
    String cpus = "0";

    @Option(name = "--memory", description = "Memory each member reserves, e.g. 256m (default 0)")
    String memory = "0";

    @Option(name = "--disk", description = "Disk each member reserves, e.g. 1g (default 0)")
    String disk = "0";

    @Option(name = "--label", multiValued = true, description = "A label members must carry, key=value (repeatable)")
    List<String> labels;

    @Option(name = "--driver", multiValued = true, description = "A container driver members must have one of")
    List<String> drivers;

    @Option(name = "--runtime", multiValued = true, description = "An application runtime every member must have")
    List<String> runtimes;

    @Option(name = "--timeout", description = "Seconds to wait for each candidate's answer (1-600, default 10)")
    int timeout = 10;

    @Override
    Object run() throws Exception {
        if (size < 1 || size > FellowshipSpec.MAX_SIZE) {
            throw new IllegalArgumentException("size must be 1.." + FellowshipSpec.MAX_SIZE);
        }
        if (timeout < 1 || timeout > 600) {
            throw new IllegalArgumentException("timeout must be 1..600 seconds");
        }
        Resources each = new Resources(Format.cpus(cpus), Format.bytes("memory", memory), Format.bytes("disk", disk));
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String l : labels == null ? List.<String>of() : labels) {
            int eq = l.indexOf('=');
            if (eq < 1 || l.length() > 200) {
                throw new IllegalArgumentException("label '" + Format.clip(l) + "': use key=value");
            }
            wanted.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
        }
        if (wanted.size() > 32 || (drivers != null && drivers.size() > 16) || (runtimes != null && runtimes.size() > 16)) {
            throw new IllegalArgumentException("at most 32 labels, 16 drivers and 16 runtimes");
        }
        FellowshipSpec spec = new FellowshipSpec(new FellowshipId(id.trim()), size, new ResourceQuery(each,
                Set.copyOf(drivers == null ? List.of() : drivers), Set.copyOf(runtimes == null ? List.of() : runtimes),
                wanted, Set.of(), 100), each, Duration.ofSeconds(timeout));
        System.out.println("Founding " + spec.id() + " with " + size + " members...");
        try {
            Fellowship f = fellowships.create(spec).toCompletableFuture()
                    .get((long) timeout * (size + 2) + 10, TimeUnit.SECONDS);
            System.out.println("Formed " + f.id() + ": roster version " + f.roster().version() + ", epoch "
                    + f.roster().epoch());
            MembersCommand.print(f);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("still forming after the wait; see fellowship:list");
        }
        return null;
    }
}
