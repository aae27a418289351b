package org.ringfellow.app.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppStatus;

/** Completes the names of the apps this node knows (app:list). */
@Service
public class AppNameCompleter implements Completer {

    @Reference
    AppService apps;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (AppStatus s : apps.list()) {
            names.getStrings().add(s.descriptor().name());
        }
        return names.complete(session, commandLine, candidates);
    }
}
