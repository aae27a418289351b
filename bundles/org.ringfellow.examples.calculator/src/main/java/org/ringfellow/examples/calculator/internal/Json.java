package org.ringfellow.examples.calculator.internal;

/**
 * The little JSON the calculator writes. Only the app API is visible in the container, so there is
 * no JSON library; strings are escaped here per RFC 8259, numbers come from {@link Arithmetic#format}.
 */
final class Json {

    private Json() {
    }

    /**
     * Writes a JSON string literal, quotes included. Control characters, quotes, backslashes, the
     * line and paragraph separators and {@code < > &} (so the text is safe inside HTML) are escaped.
     *
     * @param s the text
     * @return the literal
     */
    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029'
                            || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A lone surrogate is not valid UTF-8; escaped, it survives as the code unit it was. */
    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
