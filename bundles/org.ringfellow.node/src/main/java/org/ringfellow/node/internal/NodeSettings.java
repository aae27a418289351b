package org.ringfellow.node.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.Resources;

/**
 * The operator's node configuration, parsed and validated: either every value is good or the
 * whole configuration is refused with a message naming the bad value.
 */
record NodeSettings(String name, Resources contributed, Map<String, String> labels) {

    static final String NAME = "name";
    static final String CPUS = "cpus";
    static final String MEMORY = "memory";
    static final String DISK = "disk";
    static final String LABELS = "labels";

    static final long MAX_CPUS = 4096;
    static final long MAX_BYTES = 1L << 50; // 1 PiB: beyond any volunteer's machine, far below overflow
    static final int MAX_LABELS = Labels.MAX_OPERATOR_LABELS;

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern CPU = Pattern.compile("(\\d{1,4})(?:\\.(\\d{1,3}))?");
    private static final Pattern SIZE = Pattern.compile("(-?\\d{1,16})\\s*([A-Za-z]*)");

    NodeSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contributed, "contributed");
        labels = Map.copyOf(labels);
    }

    /** Defaults for a node nobody configured: one core, 1 GiB memory, 10 GiB disk. */
    static NodeSettings defaults(String hostName) {
        String name = sanitizeName(hostName);
        return new NodeSettings(name, new Resources(1000, 1L << 30, 10L << 30), Map.of());
    }

    /**
     * Defaults for a node nobody configured, named after its host and its short id: several
     * nodes on one host (the demo's three, a test ring) must not all show the host's name.
     */
    static NodeSettings defaults(String hostName, String shortId) {
        String host = sanitizeName(hostName);
        int room = 64 - 1 - shortId.length();
        return defaults((host.length() > room ? host.substring(0, room) : host) + "-" + shortId);
    }

    /**
     * Parses configuration values (strings, as Config Admin and the cfg file give them).
     *
     * @throws IllegalArgumentException naming the offending key and value
     */
    static NodeSettings parse(Map<String, ?> config, NodeSettings fallback) {
        String name = text(config, NAME).orElse("");
        if (name.isEmpty()) {
            name = fallback.name();
        } else if (!NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name = '" + clip(name)
                    + "' is not valid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        long milliCpus = text(config, CPUS).map(NodeSettings::parseCpus).orElse(fallback.contributed().milliCpus());
        long memory = text(config, MEMORY).map(v -> parseSize(MEMORY, v)).orElse(fallback.contributed().memoryBytes());
        long disk = text(config, DISK).map(v -> parseSize(DISK, v)).orElse(fallback.contributed().diskBytes());
        Map<String, String> labels = text(config, LABELS).map(NodeSettings::parseLabels).orElse(fallback.labels());
        return new NodeSettings(name, new Resources(milliCpus, memory, disk), labels);
    }

    static long parseCpus(String value) {
        Matcher m = CPU.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("cpus = '" + clip(value)
                    + "' is not valid: give a number of cores from 0 to " + MAX_CPUS + " with up to 3 decimals, e.g. 2 or 1.5");
        }
        long whole = Long.parseLong(m.group(1));
        String frac = m.group(2) == null ? "" : m.group(2);
        long milli = whole * 1000 + (frac.isEmpty() ? 0 : Long.parseLong((frac + "00").substring(0, 3)));
        if (milli > MAX_CPUS * 1000) {
            throw new IllegalArgumentException("cpus = '" + clip(value) + "' is more than " + MAX_CPUS + " cores");
        }
        return milli;
    }

    /** Parses sizes like {@code 512m}, {@code 2g}, {@code 2GiB}, {@code 1048576}. */
    static long parseSize(String key, String value) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " = '" + clip(value)
                    + "' is not valid: give a whole number with a unit k, m, g or t, e.g. 512m or 4g");
        }
        long number = Long.parseLong(m.group(1));
        if (number < 0) {
            throw new IllegalArgumentException(key + " = '" + clip(value) + "' is negative: it must be 0 or more");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 0;
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            case "t", "tb", "tib" -> 40;
            default -> throw new IllegalArgumentException(key + " = '" + clip(value) + "' has an unknown unit '"
                    + clip(m.group(2)) + "': use k, m, g or t (powers of 1024)");
        };
        if (number > (MAX_BYTES >> shift)) {
            throw new IllegalArgumentException(key + " = '" + clip(value) + "' is more than 1 PiB");
        }
        return number << shift;
    }

    /**
     * Parses {@code key=value} pairs separated by commas, each and all checked by
     * {@link Labels#checkOperatorLabels}: a label the Ring could not advertise is refused here.
     */
    static Map<String, String> parseLabels(String value) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String k = eq < 0 ? p : p.substring(0, eq).trim();
            String v = eq < 0 ? "" : p.substring(eq + 1).trim();
            try {
                Labels.checkOperator(k, v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("labels: " + e.getMessage());
            }
            if (labels.put(k, v) != null) {
                throw new IllegalArgumentException("labels: the key " + k + " appears twice");
            }
        }
        try {
            Labels.checkOperatorLabels(labels);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("labels: " + e.getMessage());
        }
        return labels;
    }

    /** The settings as properties, to keep the last good configuration in the node's store. */
    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty(NAME, name);
        p.setProperty(CPUS, Long.toString(contributed.milliCpus() / 1000) + "."
                + String.format(Locale.ROOT, "%03d", contributed.milliCpus() % 1000));
        p.setProperty(MEMORY, Long.toString(contributed.memoryBytes()));
        p.setProperty(DISK, Long.toString(contributed.diskBytes()));
        StringBuilder sb = new StringBuilder();
        labels.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        p.setProperty(LABELS, sb.toString());
        return p;
    }

    private static java.util.Optional<String> text(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v == null) {
            return java.util.Optional.empty();
        }
        String s = (v instanceof String[] arr ? String.join(",", arr) : v.toString()).trim();
        return s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(s);
    }

    private static String sanitizeName(String hostName) {
        String n = hostName == null ? "" : hostName.replaceAll("[^A-Za-z0-9._-]", "-");
        n = n.replaceAll("^[^A-Za-z0-9]+", "");
        if (n.length() > 64) {
            n = n.substring(0, 64);
        }
        return n.isEmpty() ? "ringfellow-node" : n;
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
