package org.ringfellow.fellowship.internal.command;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ringfellow.api.fellowship.Fellowship;
import org.ringfellow.api.fellowship.FellowshipMember;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.Resources;

/** Parsing and printing shared by the fellowship commands. */
final class Format {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,16})\\s*([kKmMgGtT]?)[iI]?[bB]?");
    private static final Pattern CPU = Pattern.compile("(\\d{1,4})(?:\\.(\\d{1,3}))?");

    private Format() {
    }

    static long cpus(String value) {
        Matcher m = CPU.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("cpus '" + clip(value) + "': give cores with up to 3 decimals, e.g. 0.5");
        }
        String frac = m.group(2) == null ? "" : m.group(2);
        return Long.parseLong(m.group(1)) * 1000 + (frac.isEmpty() ? 0 : Long.parseLong((frac + "00").substring(0, 3)));
    }

    static long bytes(String what, String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " '" + clip(value) + "': give a size like 512m or 2g");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > (1L << 50) >> shift) {
            throw new IllegalArgumentException(what + " '" + clip(value) + "' is more than 1 PiB");
        }
        return n << shift;
    }

    static String resources(Resources r) {
        return String.format(Locale.ROOT, "%s CPU, %s memory, %s disk", r.milliCpus() % 1000 == 0
                ? Long.toString(r.milliCpus() / 1000) : String.format(Locale.ROOT, "%.3f", r.milliCpus() / 1000.0),
                human(r.memoryBytes()), human(r.diskBytes()));
    }

    static String human(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Finds a member by a prefix of its id (at least 4 hex digits), refusing ambiguity. */
    static NodeId member(Fellowship f, String prefix) {
        String p = prefix.trim().toLowerCase(Locale.ROOT);
        if (p.length() < 4 || p.length() > 64 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("member '" + clip(prefix) + "': give 4 to 64 hex digits of its node id");
        }
        Optional<FellowshipMember> found = Optional.empty();
        for (FellowshipMember m : f.roster().members()) {
            if (m.node().hex().startsWith(p)) {
                if (found.isPresent()) {
                    throw new IllegalArgumentException("member '" + p + "' is ambiguous: give more digits");
                }
                found = Optional.of(m);
            }
        }
        return found.orElseThrow(() -> new IllegalArgumentException("no member of " + f.id() + " starts with " + p))
                .node();
    }

    static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
