package org.ringfellow.examples.summarizer.internal;

import java.util.List;

/**
 * The fitness of a selection of sentences: a pure, deterministic function of the corpus and the
 * selection, so any member computes the same value for the same genes (which is how a receiver
 * checks a migrant's claimed fitness). With S the sum of the selected sentences' TF-IDF vectors:
 *
 * <pre>
 * f = W_CENTROID  * cos(S, centroid)                          coverage of the cluster (MEAD, Radev et al. 2004)
 *   + W_DOCUMENTS * mean over documents d of cos(S, d)        coverage of each document (Alguliev et al. 2011)
 *   - W_REDUNDANCY * mean over selected pairs of cos(s_i, s_j) redundancy (MMR, Carbonell and Goldstein 1998)
 *   + W_POSITION  * mean over selected of (n_d - p) / n_d      position (Edmundson 1969; MEAD's positional value)
 *   + W_LENGTH    * mean over selected of min(1, words / L0)   length: fragments weigh less (MEAD's length cut-off)
 * </pre>
 *
 * One instance per thread: it keeps a scratch vector.
 */
public final class Fitness {

    /** Weight of the cosine to the cluster's centroid. */
    public static final double W_CENTROID = 0.5;
    /** Weight of the mean cosine to each document. */
    public static final double W_DOCUMENTS = 0.3;
    /** Weight of the mean pairwise cosine of the selected sentences (subtracted). */
    public static final double W_REDUNDANCY = 0.4;
    /** Weight of the position term. */
    public static final double W_POSITION = 0.1;
    /** Weight of the length term. */
    public static final double W_LENGTH = 0.1;
    /** Words below which a sentence counts as a fragment in the length term. */
    public static final int L0 = 12;

    private final Corpus corpus;
    private final double[] scratch;
    private final boolean[] touched;
    private final int[] touchedList;
    private long evaluations;

    /** @param corpus the cluster */
    public Fitness(Corpus corpus) {
        this.corpus = corpus;
        this.scratch = new double[corpus.vocabulary()];
        this.touched = new boolean[corpus.vocabulary()];
        this.touchedList = new int[corpus.vocabulary()];
    }

    /** @return the corpus this evaluates against */
    public Corpus corpus() {
        return corpus;
    }

    /** @return how many selections this instance has evaluated */
    public long evaluations() {
        return evaluations;
    }

    /**
     * @param genes selected sentence indices, ascending and distinct
     * @return the fitness; -1 for an empty selection
     */
    public double of(int[] genes) {
        evaluations++;
        if (genes.length == 0) {
            return -1;
        }
        List<Corpus.Sentence> all = corpus.sentences();
        int touchedCount = 0;
        double position = 0;
        double length = 0;
        for (int g : genes) {
            Corpus.Sentence s = all.get(g);
            for (int k = 0; k < s.terms().length; k++) {
                int t = s.terms()[k];
                if (!touched[t]) {
                    touched[t] = true;
                    touchedList[touchedCount++] = t;
                }
                scratch[t] += s.weights()[k];
            }
            int n = corpus.sentencesIn(s.document());
            position += (double) (n - s.position()) / n;
            length += Math.min(1.0, (double) s.words() / L0);
        }
        double sq = 0;
        double dotCentroid = 0;
        double[] centroid = corpus.centroid();
        for (int i = 0; i < touchedCount; i++) {
            int t = touchedList[i];
            sq += scratch[t] * scratch[t];
            dotCentroid += scratch[t] * centroid[t];
        }
        double norm = Math.sqrt(sq);
        double coverageCentroid = norm == 0 ? 0 : dotCentroid / (norm * corpus.centroidNorm());
        double coverageDocuments = 0;
        for (int d = 0; d < corpus.documents(); d++) {
            double[] doc = corpus.documentVector(d);
            double dot = 0;
            for (int i = 0; i < touchedCount; i++) {
                int t = touchedList[i];
                dot += scratch[t] * doc[t];
            }
            coverageDocuments += norm == 0 ? 0 : dot / (norm * corpus.documentNorm(d));
        }
        coverageDocuments /= corpus.documents();
        for (int i = 0; i < touchedCount; i++) {
            int t = touchedList[i];
            scratch[t] = 0;
            touched[t] = false;
        }
        double redundancy = 0;
        if (genes.length > 1) {
            for (int i = 0; i < genes.length; i++) {
                for (int j = i + 1; j < genes.length; j++) {
                    redundancy += Corpus.cosine(all.get(genes[i]), all.get(genes[j]));
                }
            }
            redundancy /= genes.length * (genes.length - 1) / 2.0;
        }
        return W_CENTROID * coverageCentroid + W_DOCUMENTS * coverageDocuments - W_REDUNDANCY * redundancy
                + W_POSITION * position / genes.length + W_LENGTH * length / genes.length;
    }
}
