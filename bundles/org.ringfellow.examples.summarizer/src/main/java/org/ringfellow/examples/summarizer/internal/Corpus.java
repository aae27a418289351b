package org.ringfellow.examples.summarizer.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;

import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * A cluster of documents cut into sentences, each sentence a TF-IDF vector over stemmed terms.
 * Sentences come from the JDK's {@link BreakIterator} (English rules) inside paragraphs (a blank line
 * always ends a sentence); terms from Lucene's {@link Terms} (Lucene: standard tokenizer, possessives,
 * lower case, English stop words, Porter stemmer). IDF is computed over the cluster's sentences:
 * {@code idf(t) = ln(1 + S / sf(t))}. Each document's vector is the sum of its sentences' vectors;
 * the centroid is the mean of the documents' unit vectors (MEAD's centroid, Radev et al. 2004).
 *
 * <p>Everything is bounded before the work: {@link #MAX_DOCUMENTS} documents,
 * {@link #MAX_CHARS} characters in all, {@link #MAX_SENTENCES} sentences. Building is deterministic:
 * the same documents give the same sentences, terms and vectors on every member.
 */
public final class Corpus {

    /** The most documents in one cluster. */
    public static final int MAX_DOCUMENTS = 64;
    /** The most characters of all documents together. */
    public static final int MAX_CHARS = 400_000;
    /** The most sentences of all documents together. */
    public static final int MAX_SENTENCES = 6000;
    /** A sentence longer than this many characters is cut there (a text without punctuation). */
    public static final int MAX_SENTENCE_CHARS = 2000;

    /**
     * A sentence of the cluster.
     *
     * @param index its index in the cluster, 0-based
     * @param document its document, 0-based
     * @param position its position in that document, 0-based
     * @param text its text, whitespace collapsed
     * @param words how many words (runs of non-space characters) it has
     * @param terms its term ids, ascending
     * @param weights the TF-IDF weight of each term
     * @param norm the Euclidean norm of its vector
     */
    public record Sentence(int index, int document, int position, String text, int words, int[] terms,
            double[] weights, double norm) {
    }

    private final List<Sentence> sentences;
    private final int documents;
    private final int[] sentencesPerDocument;
    private final int vocabulary;
    private final double[][] documentVectors;
    private final double[] documentNorms;
    private final double[] centroid;
    private final double centroidNorm;
    private final int words;

    private Corpus(List<Sentence> sentences, int documents, int[] perDocument, int vocabulary, double[][] docs,
            double[] centroid) {
        this.sentences = List.copyOf(sentences);
        this.documents = documents;
        this.sentencesPerDocument = perDocument;
        this.vocabulary = vocabulary;
        this.documentVectors = docs;
        this.documentNorms = new double[docs.length];
        for (int d = 0; d < docs.length; d++) {
            documentNorms[d] = norm(docs[d]);
        }
        this.centroid = centroid;
        this.centroidNorm = norm(centroid);
        int w = 0;
        for (Sentence s : sentences) {
            w += s.words();
        }
        this.words = w;
    }

    /**
     * Cuts and analyzes a cluster.
     *
     * @param texts the documents, plain text
     * @return the corpus
     * @throws InputException naming the document or the bound when the input cannot be summarized
     */
    public static Corpus of(List<String> texts) throws InputException {
        if (texts == null || texts.isEmpty()) {
            throw new InputException(400, "no document: give at least one document of plain text");
        }
        if (texts.size() > MAX_DOCUMENTS) {
            throw new InputException(413, texts.size() + " documents is more than the " + MAX_DOCUMENTS + " accepted");
        }
        long chars = 0;
        for (int d = 0; d < texts.size(); d++) {
            String t = texts.get(d);
            if (t == null || t.isBlank()) {
                throw new InputException(400, "document " + (d + 1) + " is empty");
            }
            chars += t.length();
            checkText(d, t);
        }
        if (chars > MAX_CHARS) {
            throw new InputException(413, "the documents have " + chars + " characters in all, more than the "
                    + MAX_CHARS + " accepted");
        }
        List<String> sentenceTexts = new ArrayList<>();
        List<int[]> where = new ArrayList<>();
        int[] perDocument = new int[texts.size()];
        for (int d = 0; d < texts.size(); d++) {
            int position = 0;
            for (String s : sentences(texts.get(d))) {
                if (sentenceTexts.size() >= MAX_SENTENCES) {
                    throw new InputException(413, "the documents have more than " + MAX_SENTENCES + " sentences");
                }
                sentenceTexts.add(s);
                where.add(new int[] {d, position++});
            }
            perDocument[d] = position;
        }
        // terms: ids in order of first appearance, so every member numbers them alike
        Map<String, Integer> ids = new HashMap<>();
        List<TreeMap<Integer, Integer>> tfs = new ArrayList<>();
        try (Analyzer analyzer = new Terms()) {
            for (String s : sentenceTexts) {
                TreeMap<Integer, Integer> tf = new TreeMap<>();
                for (String term : terms(analyzer, s)) {
                    Integer id = ids.computeIfAbsent(term, k -> ids.size());
                    tf.merge(id, 1, Integer::sum);
                }
                tfs.add(tf);
            }
        }
        int[] documentTerms = new int[texts.size()];
        for (int i = 0; i < tfs.size(); i++) {
            documentTerms[where.get(i)[0]] += tfs.get(i).size();
        }
        for (int d = 0; d < texts.size(); d++) {
            if (documentTerms[d] == 0) {
                throw new InputException(422, "document " + (d + 1) + " has no words to summarize by (only stop words,"
                        + " numbers, punctuation or symbols?)");
            }
        }
        int v = ids.size();
        int[] sf = new int[v];
        for (TreeMap<Integer, Integer> tf : tfs) {
            for (int id : tf.keySet()) {
                sf[id]++;
            }
        }
        int n = sentenceTexts.size();
        double[] idf = new double[v];
        for (int t = 0; t < v; t++) {
            idf[t] = Math.log(1.0 + (double) n / sf[t]);
        }
        double[][] docs = new double[texts.size()][v];
        List<Sentence> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TreeMap<Integer, Integer> tf = tfs.get(i);
            int[] terms = new int[tf.size()];
            double[] weights = new double[tf.size()];
            int k = 0;
            double sq = 0;
            int d = where.get(i)[0];
            for (Map.Entry<Integer, Integer> e : tf.entrySet()) {
                terms[k] = e.getKey();
                weights[k] = e.getValue() * idf[e.getKey()];
                sq += weights[k] * weights[k];
                docs[d][terms[k]] += weights[k];
                k++;
            }
            String text = sentenceTexts.get(i);
            out.add(new Sentence(i, d, where.get(i)[1], text, wordCount(text), terms, weights, Math.sqrt(sq)));
        }
        double[] centroid = new double[v];
        for (double[] doc : docs) {
            double norm = norm(doc);
            for (int t = 0; t < v; t++) {
                centroid[t] += doc[t] / norm / docs.length;
            }
        }
        return new Corpus(out, texts.size(), perDocument, v, docs, centroid);
    }

    /** Refuses binary bytes: NUL and other control characters, or text that was not valid UTF-8. */
    private static void checkText(int d, String t) throws InputException {
        int bad = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\u0000') {
                throw new InputException(400, "document " + (d + 1) + " holds a NUL character at " + i
                        + ": it is binary, not plain text");
            }
            if (c == '\uFFFD' || Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
                bad++;
            }
        }
        if (bad > 16 && bad * 100L > t.length()) {
            throw new InputException(400, "document " + (d + 1) + " has " + bad + " control or undecodable characters in "
                    + t.length() + ": it is binary, not plain text");
        }
    }

    /** Paragraphs (split at blank lines), then sentences by the JDK's English rules; whitespace collapsed. */
    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        for (String paragraph : text.split("\\n[ \\t\\x0B\\f\\r]*\\n")) {
            String p = paragraph.strip().replaceAll("\\s+", " ");
            if (p.isEmpty()) {
                continue;
            }
            it.setText(p);
            List<Integer> bounds = new ArrayList<>();
            for (int end = it.first(); end != BreakIterator.DONE; end = it.next()) {
                bounds.add(end);
            }
            int start = 0;
            for (int k = 1; k < bounds.size(); k++) {
                int end = bounds.get(k);
                if (k < bounds.size() - 1 && endsWithAbbreviation(p, start, end)) {
                    continue; // "Mr. Smith": the JDK breaks after the abbreviation; keep the sentence whole
                }
                String s = p.substring(start, end).strip();
                start = end;
                while (s.length() > MAX_SENTENCE_CHARS) {
                    out.add(s.substring(0, MAX_SENTENCE_CHARS));
                    s = s.substring(MAX_SENTENCE_CHARS).strip();
                }
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Titles and abbreviations after which the JDK's rules break a sentence that goes on. */
    private static final java.util.Set<String> ABBREVIATIONS = java.util.Set.of("mr", "mrs", "ms", "dr", "st", "jr",
            "sr", "gen", "gov", "sen", "rep", "prof", "rev", "hon", "col", "lt", "capt", "messrs", "no", "vs", "etc");

    private static boolean endsWithAbbreviation(String p, int start, int end) {
        String s = p.substring(start, end).strip();
        if (!s.endsWith(".")) {
            return false;
        }
        int i = s.length() - 1;
        int j = i;
        while (j > 0 && Character.isLetter(s.charAt(j - 1))) {
            j--;
        }
        String word = s.substring(j, i).toLowerCase(Locale.ROOT);
        return word.length() == 1 && Character.isUpperCase(s.charAt(j)) || ABBREVIATIONS.contains(word);
    }

    /**
     * The analyzed terms of a text, as the corpus computes them.
     *
     * @param analyzer a {@link Terms}
     * @param text the text
     * @return its terms in order
     */
    public static List<String> terms(Analyzer analyzer, String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        return out;
    }

    static int wordCount(String text) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !in) {
                n++;
            }
            in = !space;
        }
        return n;
    }

    private static double norm(double[] v) {
        double sq = 0;
        for (double x : v) {
            sq += x * x;
        }
        return Math.sqrt(sq);
    }

    /** @return the sentences, in document order */
    public List<Sentence> sentences() {
        return sentences;
    }

    /** @return how many documents */
    public int documents() {
        return documents;
    }

    /**
     * @param document a document, 0-based
     * @return how many sentences it has
     */
    public int sentencesIn(int document) {
        return sentencesPerDocument[document];
    }

    /** @return how many distinct terms */
    public int vocabulary() {
        return vocabulary;
    }

    /** @return how many words all sentences have */
    public int words() {
        return words;
    }

    /**
     * @param document a document, 0-based
     * @return its TF-IDF vector (do not change it)
     */
    double[] documentVector(int document) {
        return documentVectors[document];
    }

    double documentNorm(int document) {
        return documentNorms[document];
    }

    /** @return the centroid (do not change it) */
    double[] centroid() {
        return centroid;
    }

    double centroidNorm() {
        return centroidNorm;
    }

    /**
     * The cosine of two sentences.
     *
     * @param a a sentence
     * @param b another
     * @return their cosine, 0 when either has no terms
     */
    public static double cosine(Sentence a, Sentence b) {
        if (a.norm() == 0 || b.norm() == 0) {
            return 0;
        }
        int[] ta = a.terms();
        int[] tb = b.terms();
        double dot = 0;
        int i = 0;
        int j = 0;
        while (i < ta.length && j < tb.length) {
            if (ta[i] == tb[j]) {
                dot += a.weights()[i++] * b.weights()[j++];
            } else if (ta[i] < tb[j]) {
                i++;
            } else {
                j++;
            }
        }
        return dot / (a.norm() * b.norm());
    }

    @Override
    public String toString() {
        return documents + " documents, " + sentences.size() + " sentences, " + words + " words, " + vocabulary
                + " terms";
    }
}
