package org.ringfellow.bench.summarizer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ringfellow.examples.summarizer.internal.Budget;
import org.ringfellow.examples.summarizer.internal.Corpus;
import org.ringfellow.examples.summarizer.internal.GaParams;
import org.ringfellow.examples.summarizer.internal.Individual;
import org.ringfellow.examples.summarizer.internal.InputException;
import org.ringfellow.examples.summarizer.internal.Island;

/**
 * The app's island model on threads of one JVM: each island on a thread of its own for
 * {@code migrateEvery} generations, then every island's best go to the next island (re-evaluated
 * there, as in the app), in lock step so a seed fixes the result whatever the scheduling.
 */
public final class IslandModel {

    /**
     * The outcome.
     *
     * @param best the best individual of all islands
     * @param evaluations fitness evaluations of all islands
     * @param millis wall time
     * @param trace the best fitness after each epoch
     */
    public record Result(Individual best, long evaluations, double millis, List<Double> trace) {
    }

    private IslandModel() {
    }

    /**
     * @param c the cluster
     * @param b the budget
     * @param islands how many islands (and threads)
     * @param generations generations per island
     * @param migrateEvery generations between migrations
     * @param seed the seed
     * @return the best and what it cost
     * @throws InputException if the budget admits no summary
     */
    public static Result run(Corpus c, Budget b, int islands, int generations, int migrateEvery, long seed)
            throws InputException {
        long start = System.nanoTime();
        List<Island> all = new ArrayList<>();
        for (int i = 0; i < islands; i++) {
            all.add(new Island(c, b, GaParams.DEFAULTS, seed * 31 + i));
        }
        List<Double> trace = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(islands);
        try {
            for (int g = 0; g < generations; g += migrateEvery) {
                int steps = Math.min(migrateEvery, generations - g);
                List<Future<?>> f = new ArrayList<>();
                for (Island island : all) {
                    f.add(pool.submit(() -> {
                        for (int s = 0; s < steps; s++) {
                            island.step();
                        }
                    }));
                }
                for (Future<?> x : f) {
                    x.get();
                }
                List<List<Island.Migrant>> out = new ArrayList<>();
                for (Island island : all) {
                    out.add(island.best(2).stream().map(i -> new Island.Migrant(i.genes(), i.fitness())).toList());
                }
                for (int i = 0; i < islands && islands > 1; i++) {
                    all.get((i + 1) % islands).receive(out.get(i));
                }
                trace.add(best(all).fitness());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        long evaluations = all.stream().mapToLong(Island::evaluations).sum();
        return new Result(best(all), evaluations, (System.nanoTime() - start) / 1e6, trace);
    }

    private static Individual best(List<Island> all) {
        Individual best = null;
        for (Island i : all) {
            if (best == null || i.best().fitness() > best.fitness()) {
                best = i.best();
            }
        }
        return best;
    }
}
