package org.ringfellow.examples.summarizer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IslandTest {

    private static Corpus corpus() throws InputException {
        return Corpus.of(Texts.cluster(4, 30, 7));
    }

    @Test
    void theBudgetIsNeverExceededInWordsOrSentences() throws InputException {
        Corpus c = corpus();
        for (Budget b : List.of(new Budget(Budget.Unit.WORDS, 60), new Budget(Budget.Unit.WORDS, 25),
                new Budget(Budget.Unit.SENTENCES, 4), new Budget(Budget.Unit.SENTENCES, 1))) {
            Island island = new Island(c, b, GaParams.DEFAULTS, 11);
            for (int g = 0; g < 40; g++) {
                for (Individual i : island.population()) {
                    int cost = island.operators().cost(i.genes());
                    assertTrue(cost <= b.limit(), "generation " + g + ": " + i + " costs " + cost + " over " + b);
                    assertTrue(cost > 0);
                    assertEquals(null, island.operators().invalid(i.genes()));
                }
                island.step();
            }
        }
    }

    @Test
    void everyOperatorRepairsToTheBudget() throws InputException {
        Corpus c = corpus();
        Budget b = new Budget(Budget.Unit.WORDS, 50);
        Operators ops = new Operators(c, b, new SplittableRandom(3));
        TreeSet<Integer> everything = new TreeSet<>();
        for (int i = 0; i < c.sentences().size(); i++) {
            everything.add(i);
        }
        int[] repaired = ops.repair(everything);
        assertTrue(ops.cost(repaired) <= 50 && repaired.length > 0);
        for (int k = 0; k < 500; k++) {
            int[] a = ops.random();
            int[] x = ops.random();
            assertTrue(ops.cost(ops.crossover(a, x)) <= 50);
            assertTrue(ops.cost(ops.mutate(a)) <= 50);
        }
    }

    @Test
    void theElitistBestIsNeverWorseAcrossGenerations() throws InputException {
        Island island = new Island(corpus(), new Budget(Budget.Unit.WORDS, 80), GaParams.DEFAULTS, 5);
        for (int g = 0; g < 60; g++) {
            island.step();
        }
        List<double[]> h = island.history();
        assertEquals(61, h.size());
        for (int g = 1; g < h.size(); g++) {
            assertTrue(h.get(g)[0] >= h.get(g - 1)[0], "best fell at generation " + g);
            assertTrue(h.get(g)[1] <= h.get(g)[0]);
        }
        assertTrue(h.get(60)[0] > h.get(0)[0], "sixty generations improved nothing on the random population");
    }

    @Test
    void theSameSeedGivesTheSameResultAndAnotherSeedAnother() throws InputException {
        Corpus c = corpus();
        Budget b = new Budget(Budget.Unit.WORDS, 80);
        List<List<Individual>> runs = new ArrayList<>();
        for (long seed : new long[] {42, 42, 43}) {
            Island island = new Island(Corpus.of(Texts.cluster(4, 30, 7)), b, GaParams.DEFAULTS, seed);
            for (int g = 0; g < 30; g++) {
                island.step();
            }
            runs.add(island.population());
        }
        assertEquals(runs.get(0), runs.get(1));
        assertNotEquals(runs.get(0), runs.get(2));
        assertEquals(c.sentences().size(), Corpus.of(Texts.cluster(4, 30, 7)).sentences().size());
    }

    @Test
    void migrantsAreReEvaluatedAndLiarsRejected() throws InputException {
        Corpus c = corpus();
        Budget b = new Budget(Budget.Unit.WORDS, 80);
        Island from = new Island(c, b, GaParams.DEFAULTS, 1);
        Island to = new Island(c, b, GaParams.DEFAULTS, 2);
        for (int g = 0; g < 20; g++) {
            from.step();
        }
        Individual honest = from.best();
        Individual liar = from.population().get(from.population().size() - 1);
        int[] tooLong = new int[c.sentences().size()];
        for (int i = 0; i < tooLong.length; i++) {
            tooLong[i] = i;
        }
        Island.Reception r = to.receive(List.of(new Island.Migrant(honest.genes(), honest.fitness()),
                new Island.Migrant(liar.genes(), liar.fitness() + 0.5), new Island.Migrant(tooLong, 9),
                new Island.Migrant(new int[] {-1}, 0)));
        assertEquals(3, r.rejected(), r.reasons().toString());
        assertTrue(r.reasons().get(0).startsWith("claimed fitness"), r.reasons().toString());
        assertTrue(r.reasons().get(1).contains("over the budget"), r.reasons().toString());
        assertTrue(r.reasons().get(2).contains("does not exist"), r.reasons().toString());
        assertTrue(to.population().contains(honest) || to.best().fitness() >= honest.fitness());
        assertEquals(liar.fitness(), to.evaluateForeign(liar.genes()));
    }

    @Test
    void fitnessRewardsCoverageAndPunishesRedundancy() throws InputException {
        Corpus c = Corpus.of(List.of(
                "Gold prices rose in the market. Farmers sold wheat at the fair. Gold prices rose in the market again.",
                "The market for gold grew. Wheat farmers had a good year. Railroads carried the wheat east."));
        Fitness f = new Fitness(c);
        // sentences 0 and 2 say the same thing; 0 and 1 cover more
        assertTrue(f.of(new int[] {0, 1}) > f.of(new int[] {0, 2}));
        assertEquals(f.of(new int[] {0, 1}), f.of(new int[] {0, 1}));
        assertEquals(-1, f.of(new int[0]));
    }
}
