package org.ringfellow.job.internal.command;

import java.time.Duration;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.job.JobView;

/** What the job commands share. Karaf shows a thrown exception's message as the command's error. */
abstract class JobCommand implements Action {

    /** The longest job id: a 32-character name, '-' and 8 hex digits. */
    static final int MAX_ID = 41;

    @Reference
    JobService jobs;

    @Override
    public final Object execute() throws Exception {
        return run();
    }

    abstract Object run() throws Exception;

    static String id(String id) {
        String n = id == null ? "" : id.trim();
        if (n.isEmpty() || n.length() > MAX_ID) {
            throw new IllegalArgumentException("a job id is 1-" + MAX_ID + " characters (see job:list), got '"
                    + (n.length() > 60 ? n.substring(0, 60) + "..." : n) + "'");
        }
        return n;
    }

    static String eta(Optional<Duration> eta) {
        if (eta.isEmpty()) {
            return "-";
        }
        long s = eta.get().toSeconds();
        return s >= 3600 ? s / 3600 + "h" + (s % 3600) / 60 + "m" : s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
    }

    /** One line of a job's progress: {@code [#####.....] 10/20 valid, 0 failed, 3 running, ETA 12s}. */
    static String progress(JobView v) {
        int width = 30;
        int done = v.progress().validated() + v.progress().failed();
        int filled = v.tasks() == 0 ? width : (int) ((long) done * width / v.tasks());
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + v.progress().validated() + "/"
                + v.tasks() + " valid, " + v.progress().failed() + " failed, " + v.progress().running()
                + " running, " + v.phase() + (v.ended() ? "" : ", ETA " + eta(v.eta()));
    }
}
