package org.ringfellow.ring.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.ringfellow.api.ring.Member;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingView;

/**
 * Completes a seed of {@code ring:join} with the addresses of the members this node knows, in any
 * state (after a {@code ring:leave} they are the members to rejoin through), never its own.
 */
@Service
public class SeedCompleter implements Completer {

    @Reference
    Ring ring;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(seeds(ring.view())).complete(session, commandLine, candidates);
    }

    /**
     * The candidates from one snapshot of the Ring: every other member's address, sorted, once each.
     *
     * @param view the Ring's view
     * @return the addresses as host:port
     */
    static List<String> seeds(RingView view) {
        return view.members().stream()
                .filter(m -> view.self().map(self -> !self.id().equals(m.id())).orElse(true))
                .map(Member::address).map(Object::toString).distinct().sorted().toList();
    }
}
