package org.ringfellow.examples.summarizer.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One island of the genetic algorithm: a population evolved generation by generation with
 * tournament selection, crossover, mutation (each repaired to the budget) and elitism, so its best
 * fitness never decreases. Migrants from another island are re-evaluated here and refused when
 * their claimed fitness is not what this island computes, or their genes are not valid.
 * Deterministic: the same corpus, budget, parameters, seed and migrants give the same populations.
 * Not thread-safe: one thread owns an island.
 */
public final class Island {

    /** A claimed fitness further than this from the recomputed one rejects the migrant. */
    public static final double TOLERANCE = 1e-9;

    /**
     * A migrant as it arrives: its genes and the fitness its sender claims.
     *
     * @param genes the genes
     * @param claimed the claimed fitness
     */
    public record Migrant(int[] genes, double claimed) {
    }

    /**
     * What became of received migrants.
     *
     * @param accepted taken into the population
     * @param rejected refused: invalid genes or a claimed fitness that is not the recomputed one
     * @param reasons why each rejected one was refused
     */
    public record Reception(int accepted, int rejected, List<String> reasons) {
    }

    private final Fitness fitness;
    private final Operators operators;
    private final GaParams params;
    private List<Individual> population;
    private int generation;
    private final List<double[]> history = new ArrayList<>();

    /**
     * A new island with a random population.
     *
     * @param corpus the cluster
     * @param budget the length budget
     * @param params the parameters
     * @param seed the seed of every random choice of this island
     * @throws InputException 422 if the budget admits no summary
     */
    public Island(Corpus corpus, Budget budget, GaParams params, long seed) throws InputException {
        this.fitness = new Fitness(corpus);
        this.operators = new Operators(corpus, budget, new SplittableRandom(seed));
        this.params = params;
        List<Individual> p = new ArrayList<>(params.population());
        for (int i = 0; i < params.population(); i++) {
            p.add(evaluate(operators.random()));
        }
        p.sort(Individual.BEST_FIRST);
        this.population = p;
        record();
    }

    private Individual evaluate(int[] genes) {
        return new Individual(genes, fitness.of(genes));
    }

    private void record() {
        double sum = 0;
        for (Individual i : population) {
            sum += i.fitness();
        }
        history.add(new double[] {population.get(0).fitness(), sum / population.size()});
    }

    /** Evolves one generation. */
    public void step() {
        List<Individual> next = new ArrayList<>(params.population());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < params.elites(); i++) {
            next.add(population.get(i));
            seen.add(Arrays.toString(population.get(i).genes()));
        }
        SplittableRandom r = operatorsRandom();
        while (next.size() < params.population()) {
            int[] a = operators.tournament(population, params.tournament()).genes();
            int[] child;
            if (r.nextDouble() < params.crossover()) {
                child = operators.crossover(a, operators.tournament(population, params.tournament()).genes());
            } else {
                child = a.clone();
            }
            if (r.nextDouble() < params.mutation() || seen.contains(Arrays.toString(child))) {
                child = operators.mutate(child);
            }
            seen.add(Arrays.toString(child));
            next.add(evaluate(child));
        }
        next.sort(Individual.BEST_FIRST);
        population = next;
        generation++;
        record();
    }

    private SplittableRandom operatorsRandom() {
        return operators.random;
    }

    /**
     * @param n how many
     * @return the {@code n} best individuals, best first
     */
    public List<Individual> best(int n) {
        return List.copyOf(population.subList(0, Math.min(n, population.size())));
    }

    /** @return the best individual */
    public Individual best() {
        return population.get(0);
    }

    /**
     * Takes migrants in: each is checked and re-evaluated; one whose genes are invalid or whose
     * claimed fitness is not the recomputed one is rejected; the others replace the worst individuals
     * they beat (a migrant already present is not taken twice).
     *
     * @param migrants the migrants
     * @return what became of them
     */
    public Reception receive(List<Migrant> migrants) {
        int accepted = 0;
        List<String> reasons = new ArrayList<>();
        List<Individual> p = new ArrayList<>(population);
        for (Migrant m : migrants) {
            String invalid = operators.invalid(m.genes());
            if (invalid != null) {
                reasons.add(invalid);
                continue;
            }
            double f = fitness.of(m.genes());
            if (!(Math.abs(f - m.claimed()) <= TOLERANCE)) {
                reasons.add("claimed fitness " + m.claimed() + " but it is " + f);
                continue;
            }
            Individual in = new Individual(m.genes().clone(), f);
            if (p.contains(in)) {
                continue;
            }
            Individual worst = p.get(p.size() - 1);
            if (Individual.BEST_FIRST.compare(in, worst) < 0) {
                p.set(p.size() - 1, in);
                p.sort(Individual.BEST_FIRST);
                accepted++;
            }
        }
        population = p;
        return new Reception(accepted, reasons.size(), List.copyOf(reasons));
    }

    /**
     * Re-evaluates genes as this island would (for the coordinator's check of a reported best).
     *
     * @param genes the genes
     * @return the fitness, or NaN if the genes are not valid
     */
    public double evaluateForeign(int[] genes) {
        return operators.invalid(genes) != null ? Double.NaN : fitness.of(genes);
    }

    /** @return generations evolved so far */
    public int generation() {
        return generation;
    }

    /** @return evaluations of fitness so far */
    public long evaluations() {
        return fitness.evaluations();
    }

    /** @return best and mean fitness after each generation, generation 0 (the random population) first */
    public List<double[]> history() {
        return history;
    }

    /** @return the population, best first */
    public List<Individual> population() {
        return List.copyOf(population);
    }

    /** @return the operators (for the budget's cost of genes) */
    public Operators operators() {
        return operators;
    }
}
