package org.ringfellow.app.internal;

import java.time.Duration;
import java.util.Map;

/**
 * When a member restarts its part of an app that failed after it had run, and when it gives
 * its seat up instead. A part that fails is started again after a backoff that doubles with
 * every failure still inside the window, from {@code backoff} up to {@code maxBackoff}; the
 * failure that makes more than {@code maxRestarts} inside {@code window} makes the member
 * leave the app's fellowship, so that its coordinator recruits another node.
 *
 * @param backoff the wait before the first restart
 * @param maxBackoff the longest wait before a restart
 * @param maxRestarts how many restarts the window allows (0: give the seat up at the first failure)
 * @param window how far back failures count
 */
record RestartPolicy(Duration backoff, Duration maxBackoff, int maxRestarts, Duration window) {

    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    static final int MAX_RESTARTS = 100;
    static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    static final Duration MAX_WINDOW = Duration.ofDays(1);

    static final RestartPolicy DEFAULT = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 5,
            Duration.ofMinutes(10));

    RestartPolicy {
        within("restart backoff", backoff, MIN_BACKOFF, MAX_BACKOFF);
        within("restart max backoff", maxBackoff, backoff, MAX_BACKOFF);
        if (maxRestarts < 0 || maxRestarts > MAX_RESTARTS) {
            throw new IllegalArgumentException("max restarts must be 0.." + MAX_RESTARTS + ", got " + maxRestarts);
        }
        within("restart window", window, MIN_WINDOW, MAX_WINDOW);
    }

    /** The wait before the restart that follows the {@code failures}-th failure inside the window (from 1). */
    Duration backoffAfter(int failures) {
        Duration d = backoff;
        for (int i = 1; i < failures && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /**
     * Reads the policy from the configuration of PID {@code org.ringfellow.app}: absent keys take
     * the defaults; a value out of range or not a whole number is refused with a message.
     */
    static RestartPolicy parse(Map<String, ?> config) {
        return new RestartPolicy(Duration.ofMillis(number(config, "restartBackoffMillis", DEFAULT.backoff.toMillis())),
                Duration.ofMillis(number(config, "restartMaxBackoffMillis", DEFAULT.maxBackoff.toMillis())),
                (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE,
                        number(config, "restartMax", DEFAULT.maxRestarts))),
                Duration.ofSeconds(number(config, "restartWindowSeconds", DEFAULT.window.toSeconds())));
    }

    private static long number(Map<String, ?> config, String key, long fallback) {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && !(v instanceof Double || v instanceof Float)) {
            return n.longValue();
        }
        String s = v.toString().trim();
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '"
                    + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'");
        }
    }

    private static void within(String what, Duration d, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be " + min.toMillis() + ".." + max.toMillis() + " ms, got "
                    + (d == null ? "nothing" : d.toMillis() + " ms"));
        }
    }

    @Override
    public String toString() {
        return "restart after " + backoff.toMillis() + " ms doubling up to " + maxBackoff.toMillis() + " ms, at most "
                + maxRestarts + " in " + window.toSeconds() + " s, then give the seat up";
    }
}
