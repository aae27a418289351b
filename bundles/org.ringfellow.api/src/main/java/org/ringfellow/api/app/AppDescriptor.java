package org.ringfellow.api.app;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.ringfellow.api.container.ResourceLimits;

/**
 * What an app declares about itself, read from its bundle's manifest headers
 * ({@value #HEADER_NAME}, {@value #HEADER_SIZE}, {@value #HEADER_RUNTIME}, ...).
 *
 * @param name the app's name, 1 to 32 characters from {@code [a-z0-9-]}; its URL is {@code /apps/<name>/}
 * @param version the app's version
 * @param size how many fellowship members run it, 1 to 64
 * @param perMember the limits of each member's container
 * @param runtime the runtime type that runs it ({@code bundle} or {@code command})
 * @param entry what the runtime starts: the app class for {@code bundle}, the program for {@code command}
 * @param labels labels each member must carry
 */
public record AppDescriptor(String name, String version, int size, ResourceLimits perMember, String runtime,
        String entry, Map<String, String> labels) {

    /** Manifest header naming the app. */
    public static final String HEADER_NAME = "Ringfellow-App";
    /** Manifest header giving the fellowship size. */
    public static final String HEADER_SIZE = "Ringfellow-App-Size";
    /** Manifest header naming the runtime. */
    public static final String HEADER_RUNTIME = "Ringfellow-App-Runtime";
    /** Manifest header naming the entry point. */
    public static final String HEADER_ENTRY = "Ringfellow-App-Entry";
    /** Manifest header giving per-member limits, such as {@code cpu=500m, memory=128m, pids=64}. */
    public static final String HEADER_RESOURCES = "Ringfellow-App-Resources";
    /** The largest app. */
    public static final int MAX_SIZE = 64;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    /**
     * Validates the descriptor.
     *
     * @throws IllegalArgumentException with a message for the app developer if a value is invalid
     */
    public AppDescriptor {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("app name must be 1-32 of [a-z0-9-], starting alphanumeric: '" + name
                    + "'");
        }
        Objects.requireNonNull(version, "version");
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("app size must be 1.." + MAX_SIZE + ", got " + size);
        }
        Objects.requireNonNull(perMember, "perMember");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(entry, "entry");
        if (entry.isBlank()) {
            throw new IllegalArgumentException("the app must name its entry point in " + HEADER_ENTRY);
        }
        labels = Map.copyOf(labels);
    }
}
