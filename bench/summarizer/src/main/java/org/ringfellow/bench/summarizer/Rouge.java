package org.ringfellow.bench.summarizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ROUGE (Lin 2004): ROUGE-N from clipped n-gram matches, ROUGE-L as the summary-level union LCS
 * over sentences (what Google's package calls rougeLsum). Tokens: lower case, runs of letters and
 * digits. Scores are precision, recall and F1; the DUC figures are recall at 100 words.
 */
public final class Rouge {

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+");

    /**
     * Precision, recall and F1.
     *
     * @param p precision
     * @param r recall
     * @param f F1
     */
    public record Score(double p, double r, double f) {
        static Score of(int matches, int candidate, int reference) {
            if (matches == 0 || candidate == 0 || reference == 0) {
                return new Score(0, 0, 0);
            }
            double p = (double) matches / candidate;
            double r = (double) matches / reference;
            return new Score(p, r, p == r ? p : 2 * p * r / (p + r));
        }
    }

    private Rouge() {
    }

    /** @return the tokens of a text */
    public static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** @return the first {@code words} tokens' worth of text (ROUGE's -l length limit) */
    public static String truncate(String text, int words) {
        String[] w = text.strip().split("\\s+");
        return words >= w.length ? text.strip() : String.join(" ", java.util.Arrays.copyOf(w, words));
    }

    /**
     * ROUGE-N.
     *
     * @param candidate the summary
     * @param reference the model summary
     * @param n the n-gram size
     * @return the score
     */
    public static Score n(String candidate, String reference, int n) {
        List<String> c = grams(tokens(candidate), n);
        List<String> r = grams(tokens(reference), n);
        Map<String, Integer> left = new HashMap<>();
        for (String g : r) {
            left.merge(g, 1, Integer::sum);
        }
        int matches = 0;
        for (String g : c) {
            Integer k = left.get(g);
            if (k != null && k > 0) {
                matches++;
                left.put(g, k - 1);
            }
        }
        return Score.of(matches, c.size(), r.size());
    }

    private static List<String> grams(List<String> t, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + n <= t.size(); i++) {
            out.add(String.join("\u0000", t.subList(i, i + n)));
        }
        return out;
    }

    /**
     * ROUGE-L, summary level: for each reference sentence the union of the reference tokens an LCS
     * matches with each candidate sentence, each token counted at most as often as the candidate has it.
     *
     * @param candidate the summary's sentences
     * @param reference the model's sentences
     * @return the score
     */
    public static Score l(List<String> candidate, List<String> reference) {
        List<List<String>> c = candidate.stream().map(Rouge::tokens).filter(t -> !t.isEmpty()).toList();
        List<List<String>> r = reference.stream().map(Rouge::tokens).filter(t -> !t.isEmpty()).toList();
        Map<String, Integer> left = new HashMap<>();
        int cl = 0;
        for (List<String> s : c) {
            cl += s.size();
            for (String t : s) {
                left.merge(t, 1, Integer::sum);
            }
        }
        int rl = r.stream().mapToInt(List::size).sum();
        int matches = 0;
        for (List<String> ref : r) {
            Set<Integer> union = new LinkedHashSet<>();
            for (List<String> cand : c) {
                List<Integer> idx = new ArrayList<>(lcsIndices(cand, ref));
                java.util.Collections.sort(idx);
                union.addAll(idx);
            }
            for (int i : union) {
                Integer k = left.get(ref.get(i));
                if (k != null && k > 0) {
                    matches++;
                    left.put(ref.get(i), k - 1);
                }
            }
        }
        return Score.of(matches, cl, rl);
    }

    /**
     * The reference positions of one LCS (dynamic programming, backtracked from the end; on a tie
     * it steps back in the reference, the tie rule js-rouge 3.2.3 keeps, so the union is the same).
     */
    static List<Integer> lcsIndices(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                t[i][j] = a.get(i - 1).equals(b.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        List<Integer> out = new ArrayList<>();
        int i = a.size();
        int j = b.size();
        while (i > 0 && j > 0) {
            if (a.get(i - 1).equals(b.get(j - 1))) {
                out.add(j - 1);
                i--;
                j--;
            } else if (t[i - 1][j] > t[i][j - 1]) {
                i--;
            } else {
                j--;
            }
        }
        return out;
    }
}
