package org.ringfellow.app.internal.command;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.support.table.Col;

/**
 * Columns for Karaf's {@code ShellTable} that never overflow and never lose text silently: a
 * cut column ends a value that is too long with {@value #ELLIPSIS}; a wrapped column breaks at
 * spaces and splits a word longer than the column over several lines (Karaf's own wrap drops
 * the rest of such a word).
 */
final class Columns {

    /** What ends a value cut to its column. */
    static final String ELLIPSIS = "...";

    private Columns() {
    }

    /** A column at most {@code max} characters wide; longer values end with {@value #ELLIPSIS}. */
    static Col cut(String header, int max) {
        if (max <= ELLIPSIS.length()) {
            throw new IllegalArgumentException("a cut column is wider than " + ELLIPSIS.length() + ", got " + max);
        }
        return new Col(header) {
            @Override
            protected String cut(String value, int size) {
                return value.length() <= size ? value : value.substring(0, size - ELLIPSIS.length()) + ELLIPSIS;
            }
        }.maxSize(max);
    }

    /** A column at most {@code max} characters wide whose values wrap onto more lines. */
    static Col wrapped(String header, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a column is at least 1 character wide, got " + max);
        }
        return new Col(header) {
            @Override
            protected List<String> wrap(String value) {
                return lines(value, max);
            }
        }.maxSize(max).wrap();
    }

    /** {@code text} in lines of at most {@code width}, broken at spaces where it can be. */
    static List<String> lines(String text, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" +")) {
            while (word.length() > width) {
                if (line.length() > 0) {
                    out.add(line.toString());
                    line.setLength(0);
                }
                out.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                out.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        if (line.length() > 0 || out.isEmpty()) {
            out.add(line.toString());
        }
        return out;
    }
}
