package org.ringfellow.examples.summarizer.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The genetic operators on selections of sentences, each followed by {@link #repair}: the only way a
 * chromosome is made here, so none ever exceeds the budget. All randomness comes from the
 * {@link SplittableRandom} given, so a seed fixes the result.
 */
public final class Operators {

    /** How many random sentences the repair tries to add once the chromosome is within the budget. */
    static final int FILL_TRIES = 24;

    private final Corpus corpus;
    private final Budget budget;
    final SplittableRandom random;
    private final int[] fitting;

    /**
     * @param corpus the cluster
     * @param budget the length budget
     * @param random the source of every random choice
     * @throws InputException 422 if no sentence fits in the budget, or the whole input does
     */
    public Operators(Corpus corpus, Budget budget, SplittableRandom random) throws InputException {
        this.corpus = corpus;
        this.budget = budget;
        this.random = random;
        this.fitting = corpus.sentences().stream().filter(s -> budget.cost(s) <= budget.limit())
                .mapToInt(Corpus.Sentence::index).toArray();
        if (fitting.length == 0) {
            throw new InputException(422, "no sentence fits in " + budget + ": the shortest has "
                    + corpus.sentences().stream().mapToInt(budget::cost).min().orElse(0) + " words");
        }
        int whole = budget.unit() == Budget.Unit.WORDS ? corpus.words() : corpus.sentences().size();
        if (whole <= budget.limit()) {
            throw new InputException(422, "a summary of " + budget + " is not shorter than the input itself ("
                    + whole + " " + (budget.unit() == Budget.Unit.WORDS ? "words" : "sentences")
                    + "): nothing to summarize");
        }
    }

    /** @return the cost of a chromosome against the budget */
    public int cost(int[] genes) {
        int c = 0;
        for (int g : genes) {
            c += budget.cost(corpus.sentences().get(g));
        }
        return c;
    }

    /** @return a random chromosome: random fitting sentences added while they fit */
    public int[] random() {
        return repair(new TreeSet<>());
    }

    /**
     * Tournament selection.
     *
     * @param population the population
     * @param size how many compete
     * @return the fittest of {@code size} drawn at random
     */
    public Individual tournament(List<Individual> population, int size) {
        Individual best = null;
        for (int i = 0; i < size; i++) {
            Individual c = population.get(random.nextInt(population.size()));
            if (best == null || Individual.BEST_FIRST.compare(c, best) < 0) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Crossover: the child keeps every sentence both parents select and each sentence only one selects
     * with probability 1/2, then is repaired.
     *
     * @param a a parent's genes
     * @param b the other's
     * @return the child's genes
     */
    public int[] crossover(int[] a, int[] b) {
        TreeSet<Integer> child = new TreeSet<>();
        List<Integer> either = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (j >= b.length || i < a.length && a[i] < b[j]) {
                either.add(a[i++]);
            } else if (i >= a.length || b[j] < a[i]) {
                either.add(b[j++]);
            } else {
                child.add(a[i]);
                i++;
                j++;
            }
        }
        for (int g : either) {
            if (random.nextBoolean()) {
                child.add(g);
            }
        }
        return repair(child);
    }

    /**
     * Mutation: removes a selected sentence, adds one, or swaps one for one not selected; then repairs.
     *
     * @param genes the genes
     * @return the mutated genes
     */
    public int[] mutate(int[] genes) {
        TreeSet<Integer> g = new TreeSet<>();
        for (int x : genes) {
            g.add(x);
        }
        int op = random.nextInt(3);
        if ((op == 0 || op == 2) && !g.isEmpty()) {
            g.remove(genes[random.nextInt(genes.length)]);
        }
        if (op == 1 || op == 2) {
            g.add(fitting[random.nextInt(fitting.length)]);
        }
        return repair(g);
    }

    /**
     * Repair to the budget: random sentences are dropped while it is exceeded, then up to
     * {@value #FILL_TRIES} random sentences are tried and kept where they still fit; never empty.
     *
     * @param genes the selected sentences (changed)
     * @return the repaired genes, ascending
     */
    public int[] repair(TreeSet<Integer> genes) {
        genes.removeIf(g -> g < 0 || g >= corpus.sentences().size());
        int cost = 0;
        for (int g : genes) {
            cost += budget.cost(corpus.sentences().get(g));
        }
        while (cost > budget.limit()) {
            Integer[] now = genes.toArray(new Integer[0]);
            Integer out = now[random.nextInt(now.length)];
            genes.remove(out);
            cost -= budget.cost(corpus.sentences().get(out));
        }
        for (int t = 0; t < FILL_TRIES && cost < budget.limit(); t++) {
            int s = fitting[random.nextInt(fitting.length)];
            int c = budget.cost(corpus.sentences().get(s));
            if (!genes.contains(s) && cost + c <= budget.limit()) {
                genes.add(s);
                cost += c;
            }
        }
        if (genes.isEmpty()) {
            genes.add(fitting[random.nextInt(fitting.length)]);
        }
        return genes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Checks genes received from elsewhere: in range, ascending, distinct, within the budget.
     *
     * @param genes the genes
     * @return null if valid, else why not
     */
    public String invalid(int[] genes) {
        if (genes.length == 0) {
            return "no sentence selected";
        }
        for (int i = 0; i < genes.length; i++) {
            if (genes[i] < 0 || genes[i] >= corpus.sentences().size()) {
                return "sentence " + genes[i] + " does not exist";
            }
            if (i > 0 && genes[i] <= genes[i - 1]) {
                return "the sentences are not ascending and distinct: " + Arrays.toString(genes);
            }
        }
        int c = cost(genes);
        return c > budget.limit() ? "it costs " + c + ", over the budget of " + budget : null;
    }
}
