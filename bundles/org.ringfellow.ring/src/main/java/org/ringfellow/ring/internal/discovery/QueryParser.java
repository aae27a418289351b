package org.ringfellow.ring.internal.discovery;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.ResourceQuery;

/**
 * Parses {@code ring:find} terms such as {@code cpus=1.5 memory=256m disk=10g driver=runc
 * runtime=bundle label.zone=eu limit=5 exclude=<id>}; {@code driver} may repeat (any of them).
 */
public final class QueryParser {

    private QueryParser() {
    }

    /** @throws IllegalArgumentException with a message fit for the operator */
    public static ResourceQuery parse(List<String> terms) {
        long cpus = 0;
        long memory = 0;
        long disk = 0;
        Set<String> drivers = new HashSet<>();
        Set<String> runtimes = new HashSet<>();
        Map<String, String> labels = new HashMap<>();
        Set<NodeId> exclude = new HashSet<>();
        int limit = 100;
        for (String term : terms) {
            int eq = term.indexOf('=');
            if (eq <= 0 || eq == term.length() - 1) {
                throw new IllegalArgumentException("expected key=value, got '" + term + "'");
            }
            String key = term.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = term.substring(eq + 1).trim();
            if (key.startsWith("label.") && key.length() > 6) {
                labels.put(term.substring(6, eq).trim(), value);
                continue;
            }
            switch (key) {
                case "cpus", "cpu" -> cpus = parseCpus(value);
                case "memory", "mem" -> memory = parseBytes(value, "memory");
                case "disk" -> disk = parseBytes(value, "disk");
                case "driver" -> drivers.add(value);
                case "runtime" -> runtimes.add(value);
                case "limit" -> {
                    try {
                        limit = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("limit must be a number, got '" + value + "'");
                    }
                    if (limit < 1 || limit > ResourceQuery.MAX_LIMIT) {
                        throw new IllegalArgumentException("limit must be 1.." + ResourceQuery.MAX_LIMIT);
                    }
                }
                case "exclude" -> exclude.add(NodeId.parse(value));
                default -> throw new IllegalArgumentException("unknown term '" + key
                        + "' (known: cpus, memory, disk, driver, runtime, label.<key>, limit, exclude)");
            }
        }
        return new ResourceQuery(new Resources(cpus, memory, disk), drivers, runtimes, labels, exclude, limit);
    }

    /** {@code 1.5} cores or {@code 500m} milli-cores. */
    static long parseCpus(String v) {
        try {
            double milli = v.endsWith("m") ? Double.parseDouble(v.substring(0, v.length() - 1))
                    : Double.parseDouble(v) * 1000;
            if (milli < 0 || milli > 1e9 || Double.isNaN(milli)) {
                throw new NumberFormatException();
            }
            return Math.round(milli);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cpus must be cores (1.5) or milli-cores (500m), got '" + v + "'");
        }
    }

    /** Bytes with an optional k/m/g/t suffix (binary multiples; "Mi" style accepted). */
    static long parseBytes(String v, String what) {
        String s = v.toLowerCase(Locale.ROOT).replace("ib", "").replace("i", "").replace("b", "");
        long mult = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
        }
        String digits = mult == 1 ? s : s.substring(0, s.length() - 1);
        try {
            double n = Double.parseDouble(digits);
            if (n < 0 || Double.isNaN(n) || n * mult > Long.MAX_VALUE / 2.0) {
                throw new NumberFormatException();
            }
            return (long) (n * mult);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a size such as 256m or 2g, got '" + v + "'");
        }
    }
}
