package org.ringfellow.api.app;

import java.util.LinkedHashMap;
import java.util.Locale;
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
    /** Manifest header giving labels each member must carry, such as {@code region=eu, gpu=none}. */
    public static final String HEADER_LABELS = "Ringfellow-App-Labels";
    /** The runtime used when {@value #HEADER_RUNTIME} is absent. */
    public static final String DEFAULT_RUNTIME = "bundle";
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

    /**
     * Reads a descriptor from an artifact's manifest headers. {@value #HEADER_NAME} and
     * {@value #HEADER_ENTRY} are required; the size defaults to 1, the runtime to
     * {@value #DEFAULT_RUNTIME}, the limits to {@link ResourceLimits#SMALL}, the version to
     * {@code Bundle-Version} or {@code 0.0.0}.
     *
     * @param headers the main attributes of the manifest, by header name
     * @return the descriptor
     * @throws IllegalArgumentException with a message naming the faulty header
     */
    public static AppDescriptor fromHeaders(Map<String, String> headers) {
        String name = headers.get(HEADER_NAME);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("not an app: the manifest has no " + HEADER_NAME + " header");
        }
        String entry = headers.get(HEADER_ENTRY);
        if (entry == null || entry.isBlank()) {
            throw new IllegalArgumentException("the app must name its entry point in " + HEADER_ENTRY);
        }
        int size = 1;
        String sizeText = headers.get(HEADER_SIZE);
        if (sizeText != null) {
            try {
                size = Integer.parseInt(sizeText.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(HEADER_SIZE + " must be a number, got '" + sizeText + "'");
            }
        }
        String runtime = headers.getOrDefault(HEADER_RUNTIME, DEFAULT_RUNTIME).trim();
        String version = headers.getOrDefault("Bundle-Version", "0.0.0").trim();
        ResourceLimits limits = ResourceLimits.SMALL;
        String res = headers.get(HEADER_RESOURCES);
        if (res != null) {
            Map<String, String> r = pairs(HEADER_RESOURCES, res);
            try {
                limits = new ResourceLimits(
                        r.containsKey("cpu") ? milliCpus(r.remove("cpu")) : limits.milliCpus(),
                        r.containsKey("memory") ? bytes(r.remove("memory")) : limits.memoryBytes(),
                        r.containsKey("pids") ? Integer.parseInt(r.remove("pids")) : limits.pids());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(HEADER_RESOURCES + " has a value that is not a number: " + res);
            }
            if (!r.isEmpty()) {
                throw new IllegalArgumentException(HEADER_RESOURCES + " knows cpu, memory and pids, not " + r.keySet());
            }
        }
        Map<String, String> labels = headers.containsKey(HEADER_LABELS)
                ? pairs(HEADER_LABELS, headers.get(HEADER_LABELS)) : Map.of();
        return new AppDescriptor(name.trim(), version, size, limits, runtime, entry.trim(), labels);
    }

    private static Map<String, String> pairs(String header, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(header + " must be key=value pairs separated by commas, got '"
                        + text + "'");
            }
            out.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
        }
        return out;
    }

    /** {@code 500m} is half a core, {@code 2} two cores. */
    private static long milliCpus(String v) {
        if (v.endsWith("m")) {
            return Long.parseLong(v.substring(0, v.length() - 1));
        }
        return Math.round(Double.parseDouble(v) * 1000);
    }

    /** {@code 128m}, {@code 1g}, {@code 512k} or plain bytes. */
    private static long bytes(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
            unit = switch (s.charAt(s.length() - 1)) {
                case 'k' -> 1024L;
                case 'm' -> 1024L * 1024;
                default -> 1024L * 1024 * 1024;
            };
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * unit;
    }
}
