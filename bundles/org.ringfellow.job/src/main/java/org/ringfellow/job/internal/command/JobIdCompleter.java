package org.ringfellow.job.internal.command;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.job.JobView;

/** Completes the ids of the jobs this node submitted (job:list). */
@Service
public class JobIdCompleter implements Completer {

    @Reference
    JobService jobs;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        for (JobView v : jobs.list()) {
            ids.getStrings().add(v.id());
        }
        return ids.complete(session, commandLine, candidates);
    }
}
