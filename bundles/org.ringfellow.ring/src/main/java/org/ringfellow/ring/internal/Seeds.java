package org.ringfellow.ring.internal;

import java.util.ArrayList;
import java.util.List;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.Ring;

/**
 * Reads seed members, the one rule for the {@code seeds} configuration and {@code ring:join}: each
 * text is {@code host:port}, {@code [v6]:port} or a host alone (port {@link Ring#DEFAULT_PORT}), and
 * a text may hold several, comma-separated, as a Karaf cfg file gives them.
 */
public final class Seeds {

    /** The most seeds taken at once. */
    public static final int MAX = 64;

    private Seeds() {
    }

    /**
     * Parses seeds; blank and null entries are skipped.
     *
     * @param texts the seeds as given
     * @return the endpoints, in the order given
     * @throws IllegalArgumentException naming the seed that cannot be read, or if there are more than {@link #MAX}
     */
    public static List<Endpoint> parse(Iterable<String> texts) {
        List<Endpoint> seeds = new ArrayList<>();
        for (String text : texts) {
            if (text == null) {
                continue;
            }
            for (String part : text.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                if (seeds.size() == MAX) {
                    throw new IllegalArgumentException("at most " + MAX + " seeds");
                }
                try {
                    seeds.add(Endpoint.parse(part, Ring.DEFAULT_PORT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("seed '" + part.trim() + "': " + e.getMessage(), e);
                }
            }
        }
        return seeds;
    }
}
