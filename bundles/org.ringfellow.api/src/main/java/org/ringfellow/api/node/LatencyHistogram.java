package org.ringfellow.api.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted into fixed buckets, for the node's metrics: any thread records, any thread takes a
 * {@link Snapshot}. The bounds are fixed when it is made (1-32 upper bounds in seconds, strictly increasing and
 * positive); a last bucket takes whatever is above the highest bound.
 */
public final class LatencyHistogram {

    /** The most upper bounds a histogram takes. */
    public static final int MAX_BOUNDS = 32;

    private final List<Double> bounds;
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    /**
     * @param upperBoundsSeconds the buckets' upper bounds (inclusive), in seconds
     * @throws IllegalArgumentException if there are none, more than {@value #MAX_BOUNDS}, or they are not positive
     *     and strictly increasing
     */
    public LatencyHistogram(double... upperBoundsSeconds) {
        if (upperBoundsSeconds.length == 0 || upperBoundsSeconds.length > MAX_BOUNDS) {
            throw new IllegalArgumentException("a histogram has 1-" + MAX_BOUNDS + " bounds, got "
                    + upperBoundsSeconds.length);
        }
        List<Double> b = new ArrayList<>(upperBoundsSeconds.length);
        double last = 0;
        for (double d : upperBoundsSeconds) {
            if (!(d > last) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("histogram bounds must be finite, positive and strictly increasing");
            }
            b.add(d);
            last = d;
        }
        this.bounds = List.copyOf(b);
        this.counts = new LongAdder[b.size() + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /**
     * Counts one duration.
     *
     * @param nanos the duration in nanoseconds; a negative one counts as 0
     */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        double seconds = n / 1e9;
        int i = 0;
        while (i < bounds.size() && seconds > bounds.get(i)) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(n);
    }

    /** @return the counts now */
    public Snapshot snapshot() {
        List<Long> c = new ArrayList<>(counts.length);
        for (LongAdder a : counts) {
            c.add(a.sum());
        }
        return new Snapshot(bounds, c, sumNanos.sum() / 1e9);
    }

    /**
     * A histogram's counts at one moment.
     *
     * @param upperBounds the buckets' upper bounds in seconds, increasing
     * @param counts the durations in each bucket (not cumulative): one more than {@code upperBounds}, the last for
     *     durations above the highest bound
     * @param sumSeconds the sum of every duration counted, in seconds
     */
    public record Snapshot(List<Double> upperBounds, List<Long> counts, double sumSeconds) {

        /** Checks the sizes. */
        public Snapshot {
            upperBounds = List.copyOf(upperBounds);
            counts = List.copyOf(counts);
            if (counts.size() != upperBounds.size() + 1) {
                throw new IllegalArgumentException("a snapshot has one count more than bounds");
            }
        }

        /** @return how many durations were counted */
        public long count() {
            return counts.stream().mapToLong(Long::longValue).sum();
        }
    }
}
