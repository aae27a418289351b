package org.ringfellow.job.internal.command;

import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.ringfellow.api.job.JobView;

/** {@code job:list}: the jobs this node submitted. */
@Command(scope = "job", name = "list", description = "Lists the jobs this node submitted")
@Service
public class ListCommand extends JobCommand {

    @Override
    Object run() {
        print(jobs.list(), System.out);
        return null;
    }

    static void print(List<JobView> all, PrintStream out) {
        ShellTable t = new ShellTable().forceAscii().emptyTableText("No job was submitted on this node.");
        t.column("Job");
        t.column("Phase");
        t.column("Tasks").alignRight();
        t.column("Valid").alignRight();
        t.column("Failed").alignRight();
        t.column("Running").alignRight();
        t.column("Runs").alignRight();
        t.column("Members").alignRight();
        t.column("ETA");
        for (JobView v : all) {
            t.addRow().addContent(v.id(), v.phase(), v.tasks(), v.progress().validated(), v.progress().failed(),
                    v.progress().running(), v.progress().runs(), v.members().size(), eta(v.eta()));
        }
        t.print(out);
    }
}
