package org.ringfellow.job.internal.command;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.ringfellow.api.job.JobView;

/** {@code job:submit <file>}: submits a job file and shows its progress until it ends (or returns at once). */
@Command(scope = "job", name = "submit", description = "Submits a job file (JSON or YAML, at most 8 MiB) and shows "
        + "its progress until it ends")
@Service
public class SubmitCommand extends JobCommand {

    /** The longest path taken. */
    static final int MAX_PATH = 4096;

    @Completion(FileCompleter.class)
    @Argument(index = 0, name = "file", required = true, description = "The job file (.json, .yaml or .yml)")
    String file;

    @Option(name = "--detach", aliases = "-d", description = "Return once the job is kept; follow it with job:status")
    boolean detach;

    @Override
    Object run() throws Exception {
        if (file == null || file.isBlank() || file.length() > MAX_PATH || file.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a job file path is 1-" + MAX_PATH + " characters");
        }
        Path path;
        try {
            path = Path.of(file.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + file + "' is not a path: " + e.getMessage(), e);
        }
        JobView v = jobs.submit(path);
        System.out.println("Job " + v.id() + " submitted: " + v.tasks() + " task(s)");
        if (detach) {
            System.out.println("Follow it with job:status " + v.id());
            return null;
        }
        String last = "";
        try {
            while (!v.ended()) {
                String line = progress(v);
                if (!line.equals(last)) {
                    System.out.print("\r" + line + "   ");
                    System.out.flush();
                    last = line;
                }
                Thread.sleep(500);
                Optional<JobView> now = jobs.status(v.id());
                if (now.isEmpty()) {
                    break;
                }
                v = now.get();
            }
        } catch (InterruptedException e) {
            System.out.println();
            System.out.println("Stopped following; job " + v.id() + " carries on (job:status " + v.id() + ")");
            return null;
        }
        System.out.println("\r" + progress(v) + "   ");
        v.detail().ifPresent(d -> System.out.println(d));
        return null;
    }
}
