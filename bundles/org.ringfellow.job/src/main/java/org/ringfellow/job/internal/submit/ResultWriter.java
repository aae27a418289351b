package org.ringfellow.job.internal.submit;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ringfellow.job.internal.model.TaskResult;

/**
 * Writes a job's results into a directory for {@code job:results}: one directory per task ({@code <n>/}) with its
 * {@code stdout}, its {@code exit-code} and its declared outputs under {@code out/}, and an {@code index.tsv} of
 * every task (number, status, exit code, digest, error). The directory must be absent or empty (nothing is
 * overwritten) and is not followed if it is a link.
 */
public final class ResultWriter {

    private static final Pattern OUTPUT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    /** One task's line in the index, with its result if it has one. */
    public record Entry(int task, String status, Optional<String> digest, Optional<String> error,
            Optional<TaskResult> result) {
        /** Checks the fields. */
        public Entry {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(result, "result");
        }
    }

    private ResultWriter() {
    }

    /**
     * @param dir the directory (made if absent)
     * @param declared the job's declared outputs
     * @param entries every task's entry, in task order
     * @return the number of results written
     * @throws IOException if the directory is not empty, is a link, or cannot be written
     */
    public static int write(Path dir, List<String> declared, List<Entry> entries) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException(dir + " is a symbolic link; name a directory");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " exists and is not a directory");
            }
            try (Stream<Path> children = Files.list(dir)) {
                if (children.findAny().isPresent()) {
                    throw new IOException(dir + " is not empty; results are written into an empty or new directory");
                }
            }
        }
        Files.createDirectories(dir);
        for (String name : declared) {
            if (!OUTPUT.matcher(name).matches()) {
                throw new IllegalArgumentException("not an output name: " + name);
            }
        }
        int written = 0;
        try (Writer index = Files.newBufferedWriter(dir.resolve("index.tsv"), StandardCharsets.UTF_8)) {
            index.write("task\tstatus\texit-code\tdigest\terror\n");
            for (Entry e : entries) {
                String exit = e.result().map(r -> Integer.toString(r.exitCode())).orElse("");
                index.write(e.task() + "\t" + e.status() + "\t" + exit + "\t" + e.digest().orElse("") + "\t"
                        + e.error().map(ResultWriter::oneLine).orElse("") + "\n");
                if (e.result().isPresent()) {
                    TaskResult r = e.result().get();
                    Path task = Files.createDirectory(dir.resolve(Integer.toString(e.task())));
                    Files.write(task.resolve("stdout"), r.stdout());
                    Files.writeString(task.resolve("exit-code"), r.exitCode() + "\n");
                    if (!r.outputs().isEmpty()) {
                        Path out = Files.createDirectory(task.resolve("out"));
                        for (Map.Entry<String, byte[]> o : r.outputs().entrySet()) {
                            if (declared.contains(o.getKey())) {
                                Files.write(out.resolve(o.getKey()), o.getValue());
                            }
                        }
                    }
                    written++;
                }
            }
        }
        return written;
    }

    private static String oneLine(String text) {
        return text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
