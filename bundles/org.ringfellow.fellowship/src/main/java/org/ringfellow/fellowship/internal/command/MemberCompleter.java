package org.ringfellow.fellowship.internal.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.api.fellowship.FellowshipService;

/**
 * Completes the member of {@code fellowship:send} with the short ids of the members of the
 * fellowship named before it on the line, and {@code *} (every other member).
 */
@Service
public class MemberCompleter implements Completer {

    @Reference
    FellowshipService fellowships;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        Optional<Fellowship> f = fellowshipOnLine(commandLine.getArguments()).flatMap(fellowships::get);
        return new StringsCompleter(f.map(MemberCompleter::members).orElse(List.of()))
                .complete(session, commandLine, candidates);
    }

    /** The fellowship id on the line: the first word after the command that is a valid id. */
    static Optional<FellowshipId> fellowshipOnLine(String[] words) {
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            if (w.startsWith("-")) {
                continue;
            }
            try {
                return Optional.of(new FellowshipId(w.trim()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The candidates: every member's short id, sorted, then {@code *}.
     *
     * @param f the fellowship
     * @return the candidates
     */
    static List<String> members(Fellowship f) {
        List<String> out = new ArrayList<>(f.roster().members().stream().map(m -> m.node().shortId()).sorted()
                .toList());
        out.add("*");
        return out;
    }
}
