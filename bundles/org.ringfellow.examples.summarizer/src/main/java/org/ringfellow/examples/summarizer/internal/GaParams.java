package org.ringfellow.examples.summarizer.internal;

/**
 * The genetic algorithm's parameters.
 *
 * @param population individuals per island, 4..500
 * @param elites the best copied unchanged into the next generation, 1..population/2
 * @param tournament how many compete in a tournament, 2..population
 * @param crossover the probability that a child is a crossover of two parents (else a copy of one)
 * @param mutation the probability that a child is mutated
 */
public record GaParams(int population, int elites, int tournament, double crossover, double mutation) {

    /** 40 individuals, 2 elites, tournaments of 3, crossover 0.9, mutation 0.3. */
    public static final GaParams DEFAULTS = new GaParams(40, 2, 3, 0.9, 0.3);

    /** Checks every value. */
    public GaParams {
        if (population < 4 || population > 500) {
            throw new IllegalArgumentException("the population must be 4..500, got " + population);
        }
        if (elites < 1 || elites > population / 2) {
            throw new IllegalArgumentException("the elites must be 1.." + population / 2 + ", got " + elites);
        }
        if (tournament < 2 || tournament > population) {
            throw new IllegalArgumentException("the tournament size must be 2.." + population + ", got " + tournament);
        }
        if (!(crossover >= 0 && crossover <= 1) || !(mutation >= 0 && mutation <= 1)) {
            throw new IllegalArgumentException("probabilities must be in 0..1, got crossover " + crossover
                    + " and mutation " + mutation);
        }
    }
}
