package org.ringfellow.bench.summarizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.ringfellow.examples.summarizer.internal.Budget;
import org.ringfellow.examples.summarizer.internal.Corpus;

/**
 * The baselines, each a ranking of the cluster's sentences taken greedily under the budget (a
 * sentence that does not fit is skipped; one too similar to a chosen one, cosine above
 * {@value #REDUNDANT}, is skipped by the graph and centroid methods).
 */
public final class Baselines {

    /** Cosine above which a sentence repeats a chosen one. */
    static final double REDUNDANT = 0.5;

    private Baselines() {
    }

    /** Lead: the documents' first sentences in turn, then their second ones, and so on. */
    public static List<Integer> lead(Corpus c, Budget b) {
        List<Corpus.Sentence> order = new ArrayList<>(c.sentences());
        order.sort(Comparator.comparingInt(Corpus.Sentence::position).thenComparingInt(Corpus.Sentence::document));
        return take(order, b, false);
    }

    /** Random: sentences in a seeded random order. */
    public static List<Integer> random(Corpus c, Budget b, long seed) {
        List<Corpus.Sentence> order = new ArrayList<>(c.sentences());
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = order.size() - 1; i > 0; i--) {
            java.util.Collections.swap(order, i, r.nextInt(i + 1));
        }
        return take(order, b, false);
    }

    /** Centroid (MEAD, Radev et al. 2004): cosine to the centroid plus the positional value. */
    public static List<Integer> centroid(Corpus c, Budget b) {
        double[] score = new double[c.sentences().size()];
        for (Corpus.Sentence s : c.sentences()) {
            score[s.index()] = cosineToCentroid(c, s) + 0.2 * (c.sentencesIn(s.document()) - s.position())
                    / (double) c.sentencesIn(s.document());
        }
        return ranked(c, b, score);
    }

    private static double cosineToCentroid(Corpus c, Corpus.Sentence s) {
        // the fitness of a one-sentence selection is built from the same cosine; recompute it plainly here
        double[] centroid = centroidOf(c);
        double dot = 0;
        double norm = 0;
        for (double x : centroid) {
            norm += x * x;
        }
        for (int k = 0; k < s.terms().length; k++) {
            dot += s.weights()[k] * centroid[s.terms()[k]];
        }
        return s.norm() == 0 || norm == 0 ? 0 : dot / (s.norm() * Math.sqrt(norm));
    }

    private static double[] cachedCentroid;
    private static Corpus cachedFor;

    private static synchronized double[] centroidOf(Corpus c) {
        if (cachedFor != c) {
            double[][] docs = new double[c.documents()][c.vocabulary()];
            for (Corpus.Sentence s : c.sentences()) {
                for (int k = 0; k < s.terms().length; k++) {
                    docs[s.document()][s.terms()[k]] += s.weights()[k];
                }
            }
            double[] centroid = new double[c.vocabulary()];
            for (double[] d : docs) {
                double n = 0;
                for (double x : d) {
                    n += x * x;
                }
                n = Math.sqrt(n);
                for (int t = 0; t < d.length; t++) {
                    centroid[t] += n == 0 ? 0 : d[t] / n / docs.length;
                }
            }
            cachedCentroid = centroid;
            cachedFor = c;
        }
        return cachedCentroid;
    }

    /** LexRank (Erkan and Radev 2004): PageRank on the cosine graph thresholded at 0.1. */
    public static List<Integer> lexRank(Corpus c, Budget b) {
        int n = c.sentences().size();
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                w[i][j] = i != j && Corpus.cosine(c.sentences().get(i), c.sentences().get(j)) > 0.1 ? 1 : 0;
            }
        }
        return ranked(c, b, pageRank(w, 0.85));
    }

    /** TextRank (Mihalcea and Tarau 2004): weighted PageRank on word overlap / (log|a| + log|b|). */
    public static List<Integer> textRank(Corpus c, Budget b) {
        int n = c.sentences().size();
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                Corpus.Sentence a = c.sentences().get(i);
                Corpus.Sentence x = c.sentences().get(j);
                int overlap = 0;
                int p = 0;
                int q = 0;
                while (p < a.terms().length && q < x.terms().length) {
                    if (a.terms()[p] == x.terms()[q]) {
                        overlap++;
                        p++;
                        q++;
                    } else if (a.terms()[p] < x.terms()[q]) {
                        p++;
                    } else {
                        q++;
                    }
                }
                double den = Math.log(Math.max(2, a.terms().length)) + Math.log(Math.max(2, x.terms().length));
                w[i][j] = w[j][i] = overlap / den;
            }
        }
        return ranked(c, b, pageRank(w, 0.85));
    }

    static double[] pageRank(double[][] w, double d) {
        int n = w.length;
        double[] out = new double[n];
        double[] rowSum = new double[n];
        for (int i = 0; i < n; i++) {
            for (double x : w[i]) {
                rowSum[i] += x;
            }
        }
        java.util.Arrays.fill(out, 1.0 / n);
        for (int it = 0; it < 100; it++) {
            double[] next = new double[n];
            for (int j = 0; j < n; j++) {
                next[j] = (1 - d) / n;
            }
            for (int i = 0; i < n; i++) {
                if (rowSum[i] == 0) {
                    for (int j = 0; j < n; j++) {
                        next[j] += d * out[i] / n;
                    }
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    if (w[i][j] != 0) {
                        next[j] += d * out[i] * w[i][j] / rowSum[i];
                    }
                }
            }
            double delta = 0;
            for (int j = 0; j < n; j++) {
                delta += Math.abs(next[j] - out[j]);
            }
            out = next;
            if (delta < 1e-9) {
                break;
            }
        }
        return out;
    }

    private static List<Integer> ranked(Corpus c, Budget b, double[] score) {
        List<Corpus.Sentence> order = new ArrayList<>(c.sentences());
        order.sort(Comparator.comparingDouble((Corpus.Sentence s) -> -score[s.index()])
                .thenComparingInt(Corpus.Sentence::index));
        return take(order, b, true);
    }

    private static List<Integer> take(List<Corpus.Sentence> order, Budget b, boolean skipRedundant) {
        List<Corpus.Sentence> chosen = new ArrayList<>();
        int cost = 0;
        for (Corpus.Sentence s : order) {
            int k = b.cost(s);
            if (cost + k > b.limit()) {
                continue;
            }
            if (skipRedundant && chosen.stream().anyMatch(x -> Corpus.cosine(x, s) > REDUNDANT)) {
                continue;
            }
            chosen.add(s);
            cost += k;
        }
        return chosen.stream().map(Corpus.Sentence::index).sorted().toList();
    }
}
