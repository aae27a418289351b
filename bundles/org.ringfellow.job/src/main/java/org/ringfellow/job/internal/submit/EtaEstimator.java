package org.ringfellow.job.internal.submit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * A job's estimated time to finish, from how fast tasks ended over a recent window: remaining tasks divided by
 * the rate of finished tasks (validated or failed) over the last {@code window} samples. Pure: callers pass the
 * time.
 */
public final class EtaEstimator {

    private record Sample(long millis, int finished) {
    }

    private final int window;
    private final Deque<Sample> samples = new ArrayDeque<>();

    /** @param window samples kept, 2 or more */
    public EtaEstimator(int window) {
        if (window < 2) {
            throw new IllegalArgumentException("window must be at least 2, got " + window);
        }
        this.window = window;
    }

    /**
     * Records how many tasks had finished at a time.
     *
     * @param millis the time
     * @param finished tasks validated or failed by then
     */
    public void sample(long millis, int finished) {
        Sample last = samples.peekLast();
        if (last != null && (millis < last.millis || finished < last.finished)) {
            throw new IllegalArgumentException("samples must not go back: " + finished + " at " + millis
                    + " after " + last.finished + " at " + last.millis);
        }
        samples.addLast(new Sample(millis, finished));
        while (samples.size() > window) {
            samples.removeFirst();
        }
    }

    /**
     * @param total the job's number of tasks
     * @return the estimate, empty until tasks have finished within the window (or once all have)
     */
    public Optional<Duration> eta(int total) {
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        if (first == null || last == null || last.finished >= total) {
            return last != null && last.finished >= total ? Optional.of(Duration.ZERO) : Optional.empty();
        }
        int done = last.finished - first.finished;
        long elapsed = last.millis - first.millis;
        if (done <= 0 || elapsed <= 0) {
            return Optional.empty();
        }
        double perTask = (double) elapsed / done;
        return Optional.of(Duration.ofMillis(Math.round(perTask * (total - last.finished))));
    }
}
