package org.ringfellow.api.node;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The labels a node advertises on the Ring: the keys bundles publish and the limits every
 * bundle applies. The node, the Ring's signed member record, the fellowship, the ingress and
 * the app engine all take their keys and limits from here, so what the node accepts is what
 * the Ring can carry.
 *
 * <p>Two kinds share one map. <b>Operator labels</b> come from the node's configuration: at
 * most {@value #MAX_OPERATOR_LABELS}, keys of 1 to {@value #MAX_OPERATOR_KEY} characters of
 * {@code [a-z0-9._-]} starting with a letter or digit and not with {@value #PUBLISHED_PREFIX},
 * values of 0 to {@value #MAX_OPERATOR_VALUE} characters of {@code [A-Za-z0-9._:/-]}.
 * <b>Published labels</b> are set by bundles at run time: at most
 * {@value #MAX_PUBLISHED_LABELS}, keys of {@value #PUBLISHED_PREFIX} and 1 to 10 characters of
 * {@code [a-z0-9._-]} ({@value #MAX_PUBLISHED_KEY} in all), values of 0 to
 * {@value #MAX_PUBLISHED_VALUE} printable ASCII characters. The signed member record reserves
 * room for both at their limits at once, so a label that passes {@link #check} is always
 * advertised and a published label is never pushed out by operator labels.
 */
public final class Labels {

    /** Prefix of the labels bundles publish at run time; an operator's label may not use it. */
    public static final String PUBLISHED_PREFIX = "ringfellow.";

    /** Published by the app engine: the apps this node runs a part of, comma-separated. */
    public static final String APPS = PUBLISHED_PREFIX + "apps";

    /** Published by the HTTP ingress: the port it listens on. */
    public static final String HTTP = PUBLISHED_PREFIX + "http";

    /** Published by the fellowship component: the port its channel listens on. */
    public static final String FELLOWSHIP = PUBLISHED_PREFIX + "fellowship";

    /** The most operator labels a node keeps. */
    public static final int MAX_OPERATOR_LABELS = 8;

    /** The longest operator label key, in characters. */
    public static final int MAX_OPERATOR_KEY = 20;

    /** The longest operator label value, in characters. */
    public static final int MAX_OPERATOR_VALUE = 20;

    /** The most labels bundles publish at once (one each for {@link #APPS}, {@link #HTTP}, {@link #FELLOWSHIP}). */
    public static final int MAX_PUBLISHED_LABELS = 3;

    /** The longest published label key, in characters, {@value #PUBLISHED_PREFIX} included. */
    public static final int MAX_PUBLISHED_KEY = 21;

    /** The longest published label value, in characters. */
    public static final int MAX_PUBLISHED_VALUE = 64;

    private static final Pattern OPERATOR_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0," + (MAX_OPERATOR_KEY - 1) + "}");
    private static final Pattern OPERATOR_VALUE = Pattern.compile("[A-Za-z0-9._:/-]{0," + MAX_OPERATOR_VALUE + "}");
    private static final Pattern PUBLISHED_KEY = Pattern.compile(Pattern.quote(PUBLISHED_PREFIX) + "[a-z0-9._-]{1,"
            + (MAX_PUBLISHED_KEY - PUBLISHED_PREFIX.length()) + "}");
    private static final Pattern PUBLISHED_VALUE = Pattern.compile("[\\x20-\\x7e]{0," + MAX_PUBLISHED_VALUE + "}");

    private Labels() {
    }

    /**
     * Tells whether a key is one bundles publish.
     *
     * @param key a label key
     * @return true if it starts with {@value #PUBLISHED_PREFIX}
     */
    public static boolean isPublished(String key) {
        return key != null && key.startsWith(PUBLISHED_PREFIX);
    }

    /**
     * Checks one operator label.
     *
     * @param key the key
     * @param value the value
     * @throws IllegalArgumentException saying what is wrong, in words fit for the operator
     */
    public static void checkOperator(String key, String value) {
        if (key == null || isPublished(key)) {
            throw new IllegalArgumentException("label key '" + clip(key) + "' is reserved: keys starting with "
                    + PUBLISHED_PREFIX + " are published by the node's bundles");
        }
        if (!OPERATOR_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("label key '" + clip(key) + "' is not valid: use 1 to "
                    + MAX_OPERATOR_KEY + " of [a-z0-9._-], starting with a letter or digit");
        }
        if (value == null || !OPERATOR_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("label " + key + " = '" + clip(value) + "' is not valid: use 0 to "
                    + MAX_OPERATOR_VALUE + " of [A-Za-z0-9._:/-]");
        }
    }

    /**
     * Checks the operator's labels as a whole: their number and each of them.
     *
     * @param labels the operator's labels
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkOperatorLabels(Map<String, String> labels) {
        if (labels.size() > MAX_OPERATOR_LABELS) {
            throw new IllegalArgumentException(labels.size() + " labels: a node advertises at most "
                    + MAX_OPERATOR_LABELS + " of its operator's labels on the Ring");
        }
        labels.forEach(Labels::checkOperator);
    }

    /**
     * Checks one published label (its number is the publisher's to check).
     *
     * @param key the key
     * @param value the value
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkPublished(String key, String value) {
        if (key == null || !PUBLISHED_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a published label key is " + PUBLISHED_PREFIX + " and 1 to "
                    + (MAX_PUBLISHED_KEY - PUBLISHED_PREFIX.length()) + " of [a-z0-9._-], got '" + clip(key) + "'");
        }
        if (value == null || !PUBLISHED_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("published label " + key + ": a value is 0 to " + MAX_PUBLISHED_VALUE
                    + " printable ASCII characters, got '" + clip(value) + "'");
        }
    }

    /**
     * Checks one label of either kind, by its key.
     *
     * @param key the key
     * @param value the value
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void check(String key, String value) {
        if (isPublished(key)) {
            checkPublished(key, value);
        } else {
            checkOperator(key, value);
        }
    }

    private static String clip(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
