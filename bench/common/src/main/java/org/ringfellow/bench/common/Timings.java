package org.ringfellow.bench.common;

import java.io.File;
import java.util.Arrays;

/**
 * Summaries of timings taken in nanoseconds, and the one-line comparison every driver benchmark
 * prints: our side against the engine's own command line, measured in the same run.
 */
public final class Timings {

    private Timings() {
    }

    /**
     * The median.
     *
     * @param nanos the samples, in nanoseconds (not modified)
     * @return the median in milliseconds
     */
    public static double medianMillis(long[] nanos) {
        long[] s = sorted(nanos);
        return (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0) / 1e6;
    }

    /**
     * A percentile, by the nearest-rank method.
     *
     * @param nanos the samples, in nanoseconds (not modified)
     * @param percent 0 to 100
     * @return the percentile in milliseconds
     */
    public static double percentileMillis(long[] nanos, double percent) {
        long[] s = sorted(nanos);
        int rank = (int) Math.ceil(s.length * percent / 100.0) - 1;
        return s[Math.max(0, Math.min(s.length - 1, rank))] / 1e6;
    }

    /**
     * The mean.
     *
     * @param nanos the samples, in nanoseconds
     * @return the mean in milliseconds
     */
    public static double meanMillis(long[] nanos) {
        return Arrays.stream(nanos).average().orElse(0) / 1e6;
    }

    /**
     * Prints one comparison line: median, p90 and mean of both sides and their ratios.
     *
     * @param what what was timed
     * @param ours our side's name
     * @param theirs the other side's name (the bare command line)
     * @param ourNanos our samples
     * @param theirNanos theirs, taken in the same run
     */
    public static void compare(String what, String ours, String theirs, long[] ourNanos, long[] theirNanos) {
        double oMed = medianMillis(ourNanos);
        double tMed = medianMillis(theirNanos);
        double oMean = meanMillis(ourNanos);
        double tMean = meanMillis(theirNanos);
        System.out.printf("%s  %s median %6.1f ms p90 %6.1f mean %6.1f | %-21s median %6.1f ms p90 %6.1f mean %6.1f"
                + " | ratio median %.2f mean %.2f%n", what, ours, oMed, percentileMillis(ourNanos, 90), oMean, theirs,
                tMed, percentileMillis(theirNanos, 90), tMean, oMed / tMed, oMean / tMean);
    }

    /**
     * Runs a short command to its end, its input empty.
     *
     * @param cmd the command
     * @return its output and error output
     * @throws Exception if it cannot start or exits with a code other than 0 (the message holds its output)
     */
    public static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + new String(out));
        }
        return new String(out);
    }

    private static long[] sorted(long[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] s = v.clone();
        Arrays.sort(s);
        return s;
    }
}
