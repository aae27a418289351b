package org.ringfellow.bench.summarizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The project's ROUGE against js-rouge 3.2.3 on fixed samples (State of the Union sentences). The
 * expected values were written by {@code bench/summarizer/js-rouge/expected.mjs}, whose header has
 * the exact commands; js-rouge was given the same tokenizer (lower case, runs of letters and digits)
 * and, for ROUGE-L, one sentence per line.
 */
class RougeTest {

    @Test
    void agreesWithJsRouge() throws Exception {
        JsonNode root;
        try (InputStream in = RougeTest.class.getResourceAsStream("/js-rouge-3.2.3.json")) {
            root = new ObjectMapper().readTree(in);
        }
        int nonZeroL = 0;
        for (JsonNode s : root.get("samples")) {
            List<String> c = strings(s.get("candidate"));
            List<String> r = strings(s.get("reference"));
            String what = s.get("files").toString();
            assertEquals(s.get("rouge1").asDouble(), Rouge.n(String.join(" ", c), String.join(" ", r), 1).f(), 1e-12, what);
            assertEquals(s.get("rouge2").asDouble(), Rouge.n(String.join(" ", c), String.join(" ", r), 2).f(), 1e-12, what);
            assertEquals(s.get("rougeL").asDouble(), Rouge.l(c, r).f(), 1e-12, what);
            nonZeroL += s.get("rougeL").asDouble() > 0.2 ? 1 : 0;
        }
        assertEquals(13, root.get("samples").size());
        assertTrue(nonZeroL > 3);
    }

    @Test
    void jensenShannonIsZeroForTheInputAndPositiveOtherwise() {
        List<String> in = List.of("Taxes rose and the debt grew.", "The debt grew again.");
        assertEquals(0, Divergence.js(String.join(" ", in), in), 1e-12);
        assertTrue(Divergence.js("Railroads carried wheat.", in) > 0.9);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }
}
