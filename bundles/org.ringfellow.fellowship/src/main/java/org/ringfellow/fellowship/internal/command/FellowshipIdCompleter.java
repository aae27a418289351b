package org.ringfellow.fellowship.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipService;

/** Completes a fellowship id with the fellowships this node belongs to. */
@Service
public class FellowshipIdCompleter implements Completer {

    @Reference
    FellowshipService fellowships;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(ids(fellowships.list())).complete(session, commandLine, candidates);
    }

    /**
     * The candidates: the ids, sorted.
     *
     * @param fellowships the fellowships this node belongs to
     * @return their ids
     */
    static List<String> ids(List<Fellowship> fellowships) {
        return fellowships.stream().map(f -> f.id().value()).distinct().sorted().toList();
    }
}
