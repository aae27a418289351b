package org.ringfellow.bench.summarizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ringfellow.examples.summarizer.internal.Corpus;
import org.ringfellow.examples.summarizer.internal.Terms;

/**
 * The Jensen-Shannon divergence between the term distributions of a summary and of its input, a
 * reference-free measure of content selection (Louis and Nenkova 2013): lower is better. Terms are
 * the summarizer's (Lucene: stop words removed, Porter stems); logarithms base 2, so 0..1.
 */
public final class Divergence {

    private Divergence() {
    }

    /**
     * @param summary the summary
     * @param input the input documents
     * @return JS(summary, input)
     */
    public static double js(String summary, List<String> input) {
        try (Terms terms = new Terms()) {
            Map<String, Double> p = distribution(terms, List.of(summary));
            Map<String, Double> q = distribution(terms, input);
            double d = 0;
            Map<String, Double> all = new HashMap<>(q);
            p.forEach((k, v) -> all.putIfAbsent(k, 0.0));
            for (String t : all.keySet()) {
                double pi = p.getOrDefault(t, 0.0);
                double qi = q.getOrDefault(t, 0.0);
                double m = (pi + qi) / 2;
                if (pi > 0) {
                    d += 0.5 * pi * Math.log(pi / m);
                }
                if (qi > 0) {
                    d += 0.5 * qi * Math.log(qi / m);
                }
            }
            return d / Math.log(2);
        }
    }

    private static Map<String, Double> distribution(Terms terms, List<String> texts) {
        Map<String, Double> counts = new HashMap<>();
        double n = 0;
        for (String t : texts) {
            for (String term : Corpus.terms(terms, t)) {
                counts.merge(term, 1.0, Double::sum);
                n++;
            }
        }
        double total = n;
        counts.replaceAll((k, v) -> v / total);
        return counts;
    }
}
