package org.ringfellow.examples.summarizer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CorpusTest {

    @Test
    void sentencesKeepTheirDocumentAndPosition() throws InputException {
        Corpus c = Corpus.of(List.of("Mr. Smith went to Washington. He spoke there.\n\nA title line\n\nThe end.",
                "Another one. And the last one!"));
        List<String> texts = c.sentences().stream().map(Corpus.Sentence::text).toList();
        assertEquals(List.of("Mr. Smith went to Washington.", "He spoke there.", "A title line", "The end.",
                "Another one.", "And the last one!"), texts);
        assertEquals(1, c.sentences().get(4).document());
        assertEquals(1, c.sentences().get(5).position());
        assertEquals(4, c.sentencesIn(0));
        assertEquals(5, c.sentences().get(0).words());
    }

    @Test
    void termsAreLuceneEnglishStemsWithoutStopWords() {
        assertEquals(List.of("nation", "economi", "grow"),
                Corpus.terms(new Terms(), "The nation's economies are growing"));
    }

    @Test
    void badInputIsRefusedWithTheDocumentNamed() {
        assertEquals(400, assertThrows(InputException.class, () -> Corpus.of(List.of())).status());
        InputException empty = assertThrows(InputException.class, () -> Corpus.of(List.of("Fine text.", "  \n ")));
        assertTrue(empty.getMessage().contains("document 2 is empty"), empty.getMessage());
        InputException binary = assertThrows(InputException.class,
                () -> Corpus.of(List.of("PK\u0003\u0004\u0000\u0000 zip bytes")));
        assertTrue(binary.getMessage().contains("binary"), binary.getMessage());
        StringBuilder noisy = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            noisy.append("ab\u0001\u0002\uFFFD");
        }
        assertTrue(assertThrows(InputException.class, () -> Corpus.of(List.of(noisy.toString()))).getMessage()
                .contains("binary"));
        InputException stops = assertThrows(InputException.class, () -> Corpus.of(List.of("The and of it. ...!")));
        assertEquals(422, stops.status());
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= Corpus.MAX_DOCUMENTS; i++) {
            many.add("text");
        }
        assertEquals(413, assertThrows(InputException.class, () -> Corpus.of(many)).status());
        assertEquals(413, assertThrows(InputException.class,
                () -> Corpus.of(List.of("word ".repeat(Corpus.MAX_CHARS / 5 + 1)))).status());
    }

    @Test
    void nonEnglishTextIsTokenizedAndSummarizable() throws InputException {
        Corpus c = Corpus.of(List.of("Der Haushalt wurde beschlossen. Die Steuern steigen im nächsten Jahr.",
                "Правительство приняло бюджет. Налоги вырастут."));
        assertEquals(4, c.sentences().size());
        assertTrue(c.vocabulary() > 8);
    }

    @Test
    void aLengthNotShorterThanTheInputIsRefused() throws InputException {
        Corpus c = Corpus.of(List.of("One short sentence. Another short sentence."));
        InputException e = assertThrows(InputException.class,
                () -> new Operators(c, new Budget(Budget.Unit.WORDS, 100), new java.util.SplittableRandom(1)));
        assertEquals(422, e.status());
        assertTrue(e.getMessage().contains("not shorter than the input"), e.getMessage());
        assertTrue(assertThrows(InputException.class,
                () -> new Operators(c, new Budget(Budget.Unit.WORDS, 2), new java.util.SplittableRandom(1)))
                .getMessage().contains("no sentence fits"));
    }
}
