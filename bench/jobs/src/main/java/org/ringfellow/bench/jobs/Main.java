package org.ringfellow.bench.jobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.ringfellow.job.internal.model.Exclusion;
import org.ringfellow.job.internal.model.Replication;
import org.ringfellow.job.internal.quorum.Simulation;

/**
 * The job core on simulated members (issue 14, point 4, simulated): one cheater among four members, quorum 2,
 * adaptive replication off and on, over many seeds. Prints Markdown tables. Usage:
 * {@code Main [--tasks N] [--seeds N]}.
 */
public final class Main {

    private Main() {
    }

    /**
     * @param args {@code --tasks N} (default 1000), {@code --seeds N} (default 20)
     */
    public static void main(String[] args) {
        int tasks = 1000;
        int seeds = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tasks" -> tasks = bounded(args, ++i, 1, 100_000);
                case "--seeds" -> seeds = bounded(args, ++i, 1, 1000);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (known: --tasks N, --seeds N)");
            }
        }
        System.out.printf(Locale.ROOT, "%d tasks per job, %d seeds per row, 4 members (1 cheater), quorum 2, "
                + "targetResults 2, exclusion after %d invalid results and > %.0f %%; runs take 80-120 ms of "
                + "virtual time%n%n", tasks, seeds, Exclusion.DEFAULT.minInvalid(),
                100 * Exclusion.DEFAULT.maxInvalidFraction());
        System.out.println("| cheater | adaptive | wrong accepted (ever) | wrong at end | cheater excluded | "
                + "task runs per task | time to exclusion (virtual s, median) | the cheater's "
                + "wrong runs, where excluded (median) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int honestFirst : new int[] {0, 30}) {
            for (double fraction : new double[] {0.0, 0.1, 0.3, 1.0}) {
                if (fraction == 0.0 && honestFirst > 0) {
                    continue;
                }
                for (boolean adaptive : new boolean[] {false, true}) {
                    row(tasks, seeds, fraction, adaptive, honestFirst);
                }
            }
        }
        // churn: an honest member killed (its leases lost) and back at once, every 3 s of virtual time
        for (double fraction : new double[] {0.0, 0.3}) {
            row(tasks, seeds, fraction, false, 0, 3_000);
        }
    }

    private static void row(int tasks, int seeds, double fraction, boolean adaptive, int honestFirst) {
        row(tasks, seeds, fraction, adaptive, honestFirst, 0);
    }

    private static void row(int tasks, int seeds, double fraction, boolean adaptive, int honestFirst,
            long killEveryMillis) {
        List<Simulation.Result> results = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            results.add(Simulation.run(seed, tasks, fraction, new Replication(2, 2, 3, 6, adaptive),
                    Exclusion.DEFAULT, killEveryMillis, honestFirst));
        }
        long wrongEver = 0;
        long wrongEnd = 0;
        int excluded = 0;
        double runs = 0;
        List<Long> exclusionAt = new ArrayList<>();
        List<Long> wrongRuns = new ArrayList<>();
        for (Simulation.Result r : results) {
            if (r.validated() + r.failed() != r.tasks() || r.failed() != 0) {
                throw new IllegalStateException("a job did not end with every task valid: " + r);
            }
            wrongEver += r.wrongEverAccepted();
            wrongEnd += r.wrongAtEnd();
            runs += r.runsPerTask();
            if (r.cheaterExcluded()) {
                excluded++;
                exclusionAt.add(r.exclusionMillis());
                wrongRuns.add(r.cheaterWrongRuns());
            }
        }
        String cheater = (fraction == 0 ? "none (honest only)"
                : String.format(Locale.ROOT, "%.0f %% wrong%s", 100 * fraction,
                        honestFirst > 0 ? ", after " + honestFirst + " right runs" : ""))
                + (killEveryMillis > 0 ? String.format(Locale.ROOT, "; an honest member killed every %.0f s",
                        killEveryMillis / 1000.0) : "");
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %d/%d | %.3f | %s | %s |%n", cheater,
                adaptive ? "on" : "off", wrongEver, wrongEnd, excluded, seeds, runs / seeds,
                exclusionAt.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", median(exclusionAt) / 1000.0),
                wrongRuns.isEmpty() ? "-" : String.valueOf(median(wrongRuns)));
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static int bounded(String[] args, int i, int min, int max) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a number " + min + ".." + max);
        }
        int value;
        try {
            value = Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " needs a number " + min + ".." + max + ", got "
                    + args[i], e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(args[i - 1] + " must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }
}
