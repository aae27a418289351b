package org.ringfellow.bench.calculator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load: {@code clients} threads each send GET requests one after the other
 * (keep-alive, HTTP/1.1) for a warm-up, then for the measured time. Prints one line: requests per
 * second, p50 and p99 latency of the measured requests, and the failures (a status other than 200
 * or a body without the expected text).
 *
 * <pre>java -cp ringfellow-bench-calculator.jar org.ringfellow.bench.calculator.Load URL CLIENTS WARMUP_S SECONDS [EXPECT]</pre>
 */
public final class Load {

    private Load() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: Load URL CLIENTS WARMUP_SECONDS SECONDS [EXPECTED_TEXT]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        int clients = Integer.parseInt(args[1]);
        long warmup = Long.parseLong(args[2]) * 1_000_000_000L;
        long measured = Long.parseLong(args[3]) * 1_000_000_000L;
        String expect = args.length > 4 ? args[4] : null;
        if (clients < 1 || clients > 256 || warmup < 0 || measured <= 0) {
            throw new IllegalArgumentException("1-256 clients, a positive duration");
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
        long start = System.nanoTime();
        long from = start + warmup;
        long until = from + measured;
        AtomicLong failures = new AtomicLong();
        List<long[]> samples = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long[][] mine = {new long[1 << 16]};
            int[] n = {0};
            Thread t = new Thread(() -> {
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= until) {
                        break;
                    }
                    boolean ok;
                    try {
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        ok = r.statusCode() == 200 && (expect == null || r.body().contains(expect));
                    } catch (Exception e) {
                        ok = false;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= from && t1 <= until) {
                        if (!ok) {
                            failures.incrementAndGet();
                        } else {
                            if (n[0] == mine[0].length) {
                                mine[0] = Arrays.copyOf(mine[0], n[0] * 2);
                            }
                            mine[0][n[0]++] = t1 - t0;
                        }
                    }
                }
                synchronized (samples) {
                    samples.add(Arrays.copyOf(mine[0], n[0]));
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        double seconds = measured / 1e9;
        System.out.printf("%s clients=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f ok=%d failed=%d%n", uri, clients,
                all.length / seconds, percentile(all, 0.50), percentile(all, 0.99), all.length, failures.get());
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(i, 0)] / 1e6;
    }
}
