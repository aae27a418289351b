package org.ringfellow.bench.ring;

import java.util.ArrayList;
import java.util.List;
import org.ringfellow.ring.internal.config.RingConfig;

/**
 * Ring benchmarks. Usage: {@code RingBench [sim] [storm] [bw] [fp] [real] [--sizes=100,1000] [--storm-sizes=90,1000] [--storm-seeds=1] [--fp5-seconds=3600] [--fp20-seconds=120]
 * [--bandwidth-seconds=400]
 * [--real-sizes=100,1000] [--threads=2] [--probe-ms=1000] [--probe-timeout-ms=500] [--preformed]
 * [--crashes=1] [--schedules=rotation,random]}; with no
 * section, runs all four.
 */
public final class RingBench {

    private RingBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> sections = new ArrayList<>();
        int[] sizes = {100, 1_000};
        int[] realSizes = {100, 300};
        int[] fpSizes = {1_000};
        int[] stormSizes = {90, 1_000};
        int stormSeeds = 1;
        long fp5Seconds = 3_600;
        long fp20Seconds = 60;
        long bandwidthSeconds = 200;
        int threads = 2;
        long joinSpacing = 20;
        long convergeTimeout = 240;
        boolean preformed = false;
        long probeMillis = 1_000;
        long probeTimeoutMillis = 500;
        int crashes = 1;
        List<Boolean> rotation = List.of(true);
        for (String a : args) {
            if (a.startsWith("--sizes=")) {
                sizes = ints(a.substring(8));
            } else if (a.startsWith("--real-sizes=")) {
                realSizes = ints(a.substring(13));
            } else if (a.startsWith("--storm-sizes=")) {
                stormSizes = ints(a.substring(14));
            } else if (a.startsWith("--storm-seeds=")) {
                stormSeeds = Integer.parseInt(a.substring(14));
            } else if (a.startsWith("--fp-sizes=")) {
                fpSizes = ints(a.substring(11));
            } else if (a.startsWith("--fp5-seconds=")) {
                fp5Seconds = Long.parseLong(a.substring(14));
            } else if (a.startsWith("--fp20-seconds=")) {
                fp20Seconds = Long.parseLong(a.substring(15));
            } else if (a.startsWith("--bandwidth-seconds=")) {
                bandwidthSeconds = Long.parseLong(a.substring(20));
            } else if (a.startsWith("--probe-ms=")) {
                probeMillis = Long.parseLong(a.substring(11));
            } else if (a.startsWith("--probe-timeout-ms=")) {
                probeTimeoutMillis = Long.parseLong(a.substring(19));
            } else if (a.startsWith("--crashes=")) {
                crashes = Integer.parseInt(a.substring(10));
            } else if (a.startsWith("--schedules=")) {
                // rotation, random, or both (one after the other in this JVM, for a ratio)
                List<Boolean> r = new ArrayList<>();
                for (String sched : a.substring(12).split(",")) {
                    r.add(switch (sched.trim()) {
                        case "rotation" -> true;
                        case "random" -> false;
                        default -> throw new IllegalArgumentException("schedule: rotation or random, got " + sched);
                    });
                }
                rotation = r;
            } else if (a.equals("--preformed")) {
                preformed = true;
            } else if (a.startsWith("--converge-timeout-s=")) {
                convergeTimeout = Long.parseLong(a.substring(21));
            } else if (a.startsWith("--join-spacing-ms=")) {
                joinSpacing = Long.parseLong(a.substring(18));
            } else if (a.startsWith("--threads=")) {
                threads = Integer.parseInt(a.substring(10));
            } else {
                sections.add(a);
            }
        }
        if (sections.isEmpty()) {
            sections = List.of("sim", "bw", "fp", "real");
        }
        System.out.println("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime()
                .availableProcessors() + " cores, max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        Report report = new Report();
        if (sections.contains("crypto")) {
            System.out.println("| operation | JDK 17 provider | Bouncy Castle | ratio |");
            System.out.println("|---|---|---|---|");
            CryptoBench.run(2_000);
        }
        if (sections.contains("sim")) {
            for (int n : sizes) {
                SimBench.convergence(n, 42 + n, report);
            }
        }
        if (sections.contains("storm")) {
            for (int n : stormSizes) {
                for (int k = 0; k < stormSeeds; k++) {
                    StormBench.run(n, joinSpacing, 11 + n + k, convergeTimeout * 1000, report);
                }
            }
        }
        if (sections.contains("bw")) {
            for (int n : sizes) {
                SimBench.bandwidth(n, bandwidthSeconds, 0.0, 9, report);
            }
        }
        if (sections.contains("fp")) {
            for (int n : fpSizes) {
                SimBench.falsePositives(n, 0.05, fp5Seconds, 7, report);
                SimBench.falsePositives(n, 0.20, fp20Seconds, 8, report);
            }
        }
        if (sections.contains("real")) {
            for (int n : realSizes) {
                for (boolean onRing : rotation) {
                    RealBench.run(n, threads, joinSpacing, convergeTimeout * 1000, preformed, crashes,
                            timings(probeMillis, probeTimeoutMillis).withRingProbeSchedule(onRing), report);
                }
            }
        }
        report.print(SimBench.heapPerRecord());
    }

    /** The LAN defaults with another probe period and timeout (the timeout may not exceed the period). */
    private static RingConfig timings(long probeMillis, long timeoutMillis) {
        RingConfig c = RingConfig.defaultLanConfig();
        return timeoutMillis <= c.probeIntervalMillis()
                ? c.withProbeTimeoutMillis(timeoutMillis).withProbeIntervalMillis(probeMillis)
                : c.withProbeIntervalMillis(probeMillis).withProbeTimeoutMillis(timeoutMillis);
    }

    private static int[] ints(String csv) {
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].trim());
        }
        return out;
    }
}
