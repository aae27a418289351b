package org.ringfellow.bench.summarizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ringfellow.examples.summarizer.internal.Budget;
import org.ringfellow.examples.summarizer.internal.Corpus;
import org.ringfellow.examples.summarizer.internal.Fitness;

/**
 * {@code --sotu DIR} or {@code --duc DIR}, with {@code --words N} (100), {@code --clusters N} (8),
 * {@code --generations N} (200), {@code --islands N} (2): every method on every cluster, then the
 * mean per method as a Markdown table; {@code --speedup} adds the GA on 1..4 islands on threads.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            o.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        int words = Integer.parseInt(o.getOrDefault("words", "100"));
        int generations = Integer.parseInt(o.getOrDefault("generations", "200"));
        int islands = Integer.parseInt(o.getOrDefault("islands", "2"));
        List<Clusters.Cluster> clusters;
        if (o.containsKey("duc")) {
            clusters = Clusters.duc(Path.of(o.get("duc")));
        } else if (o.containsKey("sotu")) {
            clusters = Clusters.sotu(Path.of(o.get("sotu")), Integer.parseInt(o.getOrDefault("size", "4")),
                    Integer.parseInt(o.getOrDefault("clusters", "8")));
        } else {
            throw new IllegalArgumentException("give --sotu DIR or --duc DIR");
        }
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("no cluster found");
        }
        Budget budget = new Budget(Budget.Unit.WORDS, words);
        String[] methods = {"Lead", "Random", "Centroid", "LexRank", "TextRank", "GA (" + islands + " islands)"};
        double[][] sums = new double[methods.length][5];
        for (Clusters.Cluster cl : clusters) {
            Corpus c = Corpus.of(cl.documents());
            Fitness fitness = new Fitness(c);
            List<List<Integer>> picks = new ArrayList<>();
            picks.add(Baselines.lead(c, budget));
            picks.add(Baselines.random(c, budget, 1));
            picks.add(Baselines.centroid(c, budget));
            picks.add(Baselines.lexRank(c, budget));
            picks.add(Baselines.textRank(c, budget));
            IslandModel.Result ga = IslandModel.run(c, budget, islands, generations, 10, 1);
            List<Integer> g = new ArrayList<>();
            for (int x : ga.best().genes()) {
                g.add(x);
            }
            picks.add(g);
            for (int m = 0; m < methods.length; m++) {
                List<String> sentences = picks.get(m).stream().map(i -> c.sentences().get(i).text()).toList();
                String text = Rouge.truncate(String.join(" ", sentences), words);
                sums[m][3] += Divergence.js(text, cl.documents());
                sums[m][4] += fitness.of(picks.get(m).stream().mapToInt(Integer::intValue).toArray());
                for (String model : cl.models()) {
                    String ref = Rouge.truncate(model, words);
                    sums[m][0] += Rouge.n(text, ref, 1).r() / cl.models().size();
                    sums[m][1] += Rouge.n(text, ref, 2).r() / cl.models().size();
                    sums[m][2] += Rouge.l(sentences, List.of(ref)).f() / cl.models().size();
                }
            }
            System.err.println(cl.id() + ": " + c + "; GA " + String.format(Locale.ROOT, "%.0f", ga.millis()) + " ms");
        }
        boolean refs = clusters.get(0).models().size() > 0;
        System.out.println("| method | " + (refs ? "ROUGE-1 R | ROUGE-2 R | ROUGE-L F | " : "") + "JSD to input (lower is better) | GA fitness |");
        System.out.println("|---|" + (refs ? "---|---|---|" : "") + "---|---|");
        for (int m = 0; m < methods.length; m++) {
            int n = clusters.size();
            System.out.println("| " + methods[m] + " | " + (refs ? String.format(Locale.ROOT, "%.2f | %.2f | %.2f | ",
                    100 * sums[m][0] / n, 100 * sums[m][1] / n, 100 * sums[m][2] / n) : "")
                    + String.format(Locale.ROOT, "%.4f | %.4f |", sums[m][3] / n, sums[m][4] / n));
        }
        System.out.println("\n" + clusters.size() + " clusters, " + words + "-word summaries");
        if (o.containsKey("speedup")) {
            Corpus c = Corpus.of(clusters.get(0).documents());
            System.out.println("\n| islands (threads) | generations each | evaluations | wall ms | best fitness |");
            System.out.println("|---|---|---|---|---|");
            for (int k = 1; k <= 4; k++) {
                IslandModel.Result r = IslandModel.run(c, budget, k, generations, 10, 1);
                System.out.println(String.format(Locale.ROOT, "| %d | %d | %d | %.0f | %.4f |", k, generations,
                        r.evaluations(), r.millis(), r.best().fitness()));
            }
        }
    }
}
