package org.ringfellow.container.internal.command;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and bounds the commands' arguments so a typo gives a clear message, never a stack trace. */
final class Args {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([kmgt]?)(i?b?)?");

    private Args() {
    }

    /** Parses {@code 64m}, {@code 1g}, {@code 1048576}: binary units. */
    static long bytes(String what, String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " must be a size such as 64m or 1g, got '" + text + "'");
        }
        long v = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        if (v > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException(what + " is too large: " + text);
        }
        return v << shift;
    }

    static Duration seconds(String what, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " must be 0.." + max + " seconds, got " + value);
        }
        return Duration.ofSeconds(value);
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "G";
        }
        if (bytes >= 1L << 20) {
            return (bytes >> 20) + "M";
        }
        return (bytes >> 10) + "K";
    }

    static String uptime(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h" + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d" + (s % 86400 / 3600) + "h";
    }

    /** The text, or its first {@code width - 1} characters and an ellipsis when it is longer than {@code width}. */
    static String ellipsis(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "\u2026";
    }
}
