package org.ringfellow.job.internal.command;

import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.ringfellow.api.job.JobService;

/**
 * {@code job:results <id> [dir]}: a job's tasks with their validated result (status, exit code, the start of the
 * standard output); with a directory, writes every result there instead.
 */
@Command(scope = "job", name = "results", description = "Shows a job's validated results, or writes them into a "
        + "directory (one per task, and index.tsv)")
@Service
public class ResultsCommand extends JobCommand {

    /** The widest standard output shown. */
    static final int STDOUT_WIDTH = 60;

    @Completion(JobIdCompleter.class)
    @Argument(index = 0, name = "job", required = true, description = "The job's id (job:list)")
    String job;

    @Argument(index = 1, name = "dir", required = false, description = "An absent or empty directory to write into")
    String dir;

    @Override
    Object run() throws Exception {
        String id = id(job);
        if (dir != null) {
            if (dir.isBlank() || dir.length() > SubmitCommand.MAX_PATH || dir.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a directory path is 1-" + SubmitCommand.MAX_PATH + " characters");
            }
            int n = jobs.results(id, Path.of(dir.trim()));
            System.out.println(n + " result(s) of job " + id + " written to " + dir.trim());
            return null;
        }
        ShellTable t = new ShellTable().forceAscii().emptyTableText("the job has no task");
        t.column("Task").alignRight();
        t.column("Status");
        t.column("Results").alignRight();
        t.column("Exit").alignRight();
        t.column("Stdout").maxSize(STDOUT_WIDTH);
        t.column("Digest");
        for (JobService.TaskLine line : jobs.tasks(id)) {
            t.addRow().addContent(line.task(), line.status(), line.results(),
                    line.exitCode().map(String::valueOf).orElse("-"),
                    line.stdout().map(s -> s.strip().replace('\n', ' ')).orElse(line.error().orElse("-")),
                    line.digest().map(d -> d.substring(0, 12)).orElse("-"));
        }
        t.print(System.out);
        return null;
    }
}
