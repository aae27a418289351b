package org.ringfellow.examples.summarizer.internal;

import java.util.Locale;

/**
 * How long a summary may be: at most {@code limit} words or sentences. Words are counted as ROUGE's
 * length limit counts them: runs of non-space characters of the sentence's text.
 *
 * @param unit words or sentences
 * @param limit the most of them, 1..{@value #MAX_LIMIT}
 */
public record Budget(Unit unit, int limit) {

    /** The largest limit accepted. */
    public static final int MAX_LIMIT = 5000;

    /** What the limit counts. */
    public enum Unit {
        /** Words of the sentences' text. */
        WORDS,
        /** Whole sentences. */
        SENTENCES
    }

    /** Checks the limit. */
    public Budget {
        if (unit == null) {
            throw new IllegalArgumentException("a budget needs a unit: words or sentences");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("the length must be 1.." + MAX_LIMIT + " " + unit.name().toLowerCase(Locale.ROOT)
                    + ", got " + limit);
        }
    }

    /**
     * Reads a unit as the API spells it.
     *
     * @param text {@code words} or {@code sentences}
     * @return the unit
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static Unit unit(String text) {
        return switch (text) {
            case "words" -> Unit.WORDS;
            case "sentences" -> Unit.SENTENCES;
            default -> throw new IllegalArgumentException("the unit must be 'words' or 'sentences', got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
        };
    }

    /**
     * @param s a sentence
     * @return what the sentence costs of this budget
     */
    public int cost(Corpus.Sentence s) {
        return unit == Unit.WORDS ? s.words() : 1;
    }

    @Override
    public String toString() {
        return limit + " " + unit.name().toLowerCase(Locale.ROOT);
    }
}
