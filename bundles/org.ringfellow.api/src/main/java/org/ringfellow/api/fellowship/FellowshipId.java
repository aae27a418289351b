package org.ringfellow.api.fellowship;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The id of a fellowship, chosen by its founder: 1 to 64 characters from {@code [a-z0-9._-]}.
 *
 * @param value the id
 */
public record FellowshipId(String value) {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /**
     * Validates the id.
     *
     * @throws IllegalArgumentException if it is not valid
     */
    public FellowshipId {
        Objects.requireNonNull(value, "value");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("a fellowship id is 1-64 of [a-z0-9._-], got '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
