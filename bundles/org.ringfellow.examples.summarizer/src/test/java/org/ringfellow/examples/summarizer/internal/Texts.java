package org.ringfellow.examples.summarizer.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test inputs: documents assembled from a fixed vocabulary by a seeded generator (test fixtures, not data). */
final class Texts {

    private static final String[] WORDS = ("economy budget congress nation tax war peace trade farmer worker "
            + "industry railroad treaty army navy school health energy oil price market bank currency gold silver "
            + "tariff export import citizen freedom law court union state government reform debt deficit job wage")
            .split(" ");

    private Texts() {
    }

    /**
     * @param documents how many documents
     * @param sentences sentences per document
     * @param seed the generator's seed
     * @return the documents
     */
    static List<String> cluster(int documents, int sentences, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            StringBuilder b = new StringBuilder();
            for (int s = 0; s < sentences; s++) {
                int n = 5 + r.nextInt(20);
                b.append("The");
                for (int w = 0; w < n; w++) {
                    b.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
                }
                b.append(". ");
            }
            out.add(b.toString());
        }
        return out;
    }
}
