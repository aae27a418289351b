package org.ringfellow.examples.summarizer.internal;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A chromosome and its fitness: the selected sentences' indices, ascending and distinct.
 *
 * @param genes the selected sentences
 * @param fitness its fitness as {@link Fitness} computes it
 */
public record Individual(int[] genes, double fitness) {

    /** Best first; equal fitness ordered by genes, so sorting is deterministic. */
    public static final Comparator<Individual> BEST_FIRST = (a, b) -> {
        int c = Double.compare(b.fitness, a.fitness);
        return c != 0 ? c : Arrays.compare(a.genes, b.genes);
    };

    @Override
    public boolean equals(Object o) {
        return o instanceof Individual i && Arrays.equals(genes, i.genes) && Double.compare(fitness, i.fitness) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(genes) * 31 + Double.hashCode(fitness);
    }

    @Override
    public String toString() {
        return Arrays.toString(genes) + " " + fitness;
    }
}
