package org.ringfellow.job.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.ringfellow.api.job.JobView;

/** {@code job:cancel <id>}: stops a job; what was validated is kept. */
@Command(scope = "job", name = "cancel", description = "Cancels a job: its members stop and its fellowship is "
        + "dissolved; validated results are kept")
@Service
public class CancelCommand extends JobCommand {

    @Completion(JobIdCompleter.class)
    @Argument(index = 0, name = "job", required = true, description = "The job's id (job:list)")
    String job;

    @Override
    Object run() throws Exception {
        JobView v = jobs.cancel(id(job));
        System.out.println("Job " + v.id() + " cancelled: " + v.progress().validated() + " of " + v.tasks()
                + " task(s) were validated");
        return null;
    }
}
