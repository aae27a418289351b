package org.ringfellow.job.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.ringfellow.api.job.JobView;

/** {@code job:status <id>}: a job's tasks by where they stand, its members as judged, its ETA. */
@Command(scope = "job", name = "status", description = "Shows a job's tasks (pending, running, validated, failed), "
        + "its members with their valid and invalid results, and its ETA")
@Service
public class StatusCommand extends JobCommand {

    @Completion(JobIdCompleter.class)
    @Argument(index = 0, name = "job", required = true, description = "The job's id (job:list)")
    String job;

    @Override
    Object run() {
        String id = id(job);
        JobView v = jobs.status(id).orElseThrow(() -> new IllegalArgumentException("no job " + id
                + " on this node (see job:list)"));
        System.out.println("Job:       " + v.id());
        System.out.println("Phase:     " + v.phase() + v.detail().map(d -> " (" + d + ")").orElse(""));
        System.out.println("Tasks:     " + v.tasks() + ": " + v.progress().pending() + " pending, "
                + v.progress().running() + " running, " + v.progress().validated() + " validated, "
                + v.progress().failed() + " failed");
        System.out.println("Runs:      " + v.progress().runs() + " (" + v.progress().leases() + " under way)");
        System.out.println("Collected: " + v.collected());
        v.comparisons().ifPresent(n -> System.out.println("Validator: " + n + " comparison(s)"));
        System.out.println("ETA:       " + eta(v.eta()));
        ShellTable t = new ShellTable().forceAscii().emptyTableText("no member has fetched work yet");
        t.column("Member");
        t.column("CV").alignRight();
        t.column("Valid").alignRight();
        t.column("Invalid").alignRight();
        t.column("Excluded");
        for (JobView.MemberView m : v.members()) {
            t.addRow().addContent(m.member(), m.consecutiveValid(), m.valid(), m.invalid(), m.excluded() ? "yes" : "no");
        }
        t.print(System.out);
        return null;
    }
}
