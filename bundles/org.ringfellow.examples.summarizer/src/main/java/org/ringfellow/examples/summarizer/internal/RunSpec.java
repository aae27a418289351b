package org.ringfellow.examples.summarizer.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One summarization asked of the app: the documents, the length and the run's budget, as the API
 * reads them and as the coordinator sends them to every member (deflated JSON).
 *
 * @param names the documents' names
 * @param documents the documents' text
 * @param budget the summary's length
 * @param generations the most generations per island, 1..{@value #MAX_GENERATIONS}
 * @param evaluations the most fitness evaluations of all islands together (0: no limit)
 * @param millis the most wall time, 100..{@value #MAX_MILLIS} ms
 * @param patience stop once no island's best improved in this many generations (0: never)
 * @param migrateEvery generations between migrations, 1..1000
 * @param migrants how many of its best an island sends, 1..10
 * @param seed the run's seed; island i evolves from a seed derived from it
 */
record RunSpec(List<String> names, List<String> documents, Budget budget, int generations, long evaluations,
        long millis, int patience, int migrateEvery, int migrants, long seed) {

    static final int MAX_GENERATIONS = 5000;
    /** Under the ingress's 30 s for an answer, with room for the last reports. */
    static final long MAX_MILLIS = 25_000;
    /** The largest request body read (the bridge carries at most 256 KiB to an app). */
    static final int MAX_BODY = 256 << 10;

    /**
     * Reads the API's body: {@code {"documents": ["text", ...] or [{"name":..., "text":...}],
     * "length": 100, "unit": "words", "budget": {"generations":..., "evaluations":..., "seconds":...,
     * "patience":...}, "migrateEvery": 10, "migrants": 2, "seed": 1}}.
     *
     * @param body the body
     * @return the spec
     * @throws InputException naming the bad field
     */
    static RunSpec parse(byte[] body) throws InputException {
        if (body.length > MAX_BODY) {
            throw new InputException(413, "the body has " + body.length + " bytes, more than the " + MAX_BODY
                    + " accepted");
        }
        try {
            Map<String, Object> o = Wire.object(Wire.read(body), "the body");
            Object docs = o.get("documents");
            if (docs == null) {
                throw new InputException(400, "no document: the body needs \"documents\": [\"text\", ...]");
            }
            List<String> names = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            int i = 0;
            for (Object d : Wire.list(docs, "documents")) {
                i++;
                if (d instanceof String s) {
                    names.add("document " + i);
                    texts.add(s);
                } else {
                    Map<String, Object> m = Wire.object(d, "document " + i);
                    Object name = m.get("name");
                    String n = name == null ? "document " + i : Wire.string(name, "the name of document " + i);
                    names.add(n.length() > 200 ? n.substring(0, 200) : n);
                    texts.add(Wire.string(m.get("text"), "the text of document " + i));
                }
            }
            if (texts.isEmpty()) {
                throw new InputException(400, "no document: \"documents\" is empty");
            }
            Budget.Unit unit = Budget.unit(o.get("unit") == null ? "words" : Wire.string(o.get("unit"), "unit"));
            int length = (int) Wire.integer(o.getOrDefault("length", 100L), "length", 1, Budget.MAX_LIMIT);
            Map<String, Object> b = o.get("budget") == null ? Map.of() : Wire.object(o.get("budget"), "budget");
            int generations = (int) Wire.integer(b.getOrDefault("generations", 200L), "budget.generations", 1,
                    MAX_GENERATIONS);
            long evaluations = Wire.integer(b.getOrDefault("evaluations", 0L), "budget.evaluations", 0, 1L << 40);
            double seconds = Wire.number(b.getOrDefault("seconds", 15.0), "budget.seconds");
            if (seconds < 0.1 || seconds > MAX_MILLIS / 1000.0) {
                throw new InputException(400, "budget.seconds must be 0.1.." + MAX_MILLIS / 1000 + ", got " + seconds);
            }
            int patience = (int) Wire.integer(b.getOrDefault("patience", 60L), "budget.patience", 0, MAX_GENERATIONS);
            int every = (int) Wire.integer(o.getOrDefault("migrateEvery", 10L), "migrateEvery", 1, 1000);
            int migrants = (int) Wire.integer(o.getOrDefault("migrants", 2L), "migrants", 1, 10);
            long seed = Wire.integer(o.getOrDefault("seed", 1L), "seed", Long.MIN_VALUE, Long.MAX_VALUE);
            return new RunSpec(names, texts, new Budget(unit, length), generations, evaluations,
                    Math.round(seconds * 1000), patience, every, migrants, seed);
        } catch (IllegalArgumentException e) {
            throw new InputException(400, e.getMessage());
        }
    }

    /** @return the spec as the coordinator sends it */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("names", names);
        m.put("documents", documents);
        m.put("unit", budget.unit() == Budget.Unit.WORDS ? "words" : "sentences");
        m.put("length", budget.limit());
        m.put("generations", generations);
        m.put("evaluations", evaluations);
        m.put("millis", millis);
        m.put("patience", patience);
        m.put("migrateEvery", migrateEvery);
        m.put("migrants", migrants);
        m.put("seed", seed);
        return m;
    }

    static RunSpec fromMap(Map<String, Object> m) {
        List<String> names = new ArrayList<>();
        for (Object n : Wire.list(m.get("names"), "names")) {
            names.add(Wire.string(n, "name"));
        }
        List<String> docs = new ArrayList<>();
        for (Object d : Wire.list(m.get("documents"), "documents")) {
            docs.add(Wire.string(d, "document"));
        }
        return new RunSpec(names, docs, new Budget(Budget.unit(Wire.string(m.get("unit"), "unit")),
                (int) Wire.integer(m.get("length"), "length", 1, Budget.MAX_LIMIT)),
                (int) Wire.integer(m.get("generations"), "generations", 1, MAX_GENERATIONS),
                Wire.integer(m.get("evaluations"), "evaluations", 0, 1L << 40),
                Wire.integer(m.get("millis"), "millis", 1, MAX_MILLIS),
                (int) Wire.integer(m.get("patience"), "patience", 0, MAX_GENERATIONS),
                (int) Wire.integer(m.get("migrateEvery"), "migrateEvery", 1, 1000),
                (int) Wire.integer(m.get("migrants"), "migrants", 1, 10),
                Wire.integer(m.get("seed"), "seed", Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** @param island the island's number in the run @return its seed */
    long islandSeed(int island) {
        return seed * 0x9E3779B97F4A7C15L + island * 0xBF58476D1CE4E5B9L + 1;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
