package org.ringfellow.job.internal.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.job.internal.model.TaskResult;

class SubmitSupportTest {

    @TempDir
    Path dir;

    @Test
    void theEtaFollowsTheRecentRate() {
        EtaEstimator eta = new EtaEstimator(3);
        assertEquals(Optional.empty(), eta.eta(100), "nothing known yet");
        eta.sample(0, 0);
        assertEquals(Optional.empty(), eta.eta(100), "one sample is no rate");
        eta.sample(1_000, 10);
        assertEquals(Optional.of(Duration.ofSeconds(9)), eta.eta(100), "10 tasks a second, 90 left");
        eta.sample(2_000, 10);
        eta.sample(3_000, 12);
        // the window keeps the last 3 samples: 2 tasks in 2 s
        assertEquals(Optional.of(Duration.ofSeconds(88)), eta.eta(100));
        eta.sample(4_000, 100);
        assertEquals(Optional.of(Duration.ZERO), eta.eta(100));
        assertThrows(IllegalArgumentException.class, () -> eta.sample(3_500, 100), "time does not go back");
        assertThrows(IllegalArgumentException.class, () -> new EtaEstimator(1));
    }

    @Test
    void resultsAreWrittenPerTaskWithAnIndex() throws IOException {
        Path out = dir.resolve("results");
        TaskResult r0 = new TaskResult(0, "0\n".getBytes(StandardCharsets.UTF_8),
                Map.of("r.txt", "zero".getBytes(StandardCharsets.UTF_8)));
        TaskResult r2 = TaskResult.of(3, "four\n");
        int written = ResultWriter.write(out, List.of("r.txt"), List.of(
                new ResultWriter.Entry(0, "VALID", Optional.of("d0"), Optional.empty(), Optional.of(r0)),
                new ResultWriter.Entry(1, "ERROR", Optional.empty(), Optional.of("more than\tmaxErrorResults\n(3)"),
                        Optional.empty()),
                new ResultWriter.Entry(2, "VALID", Optional.of("d2"), Optional.empty(), Optional.of(r2))));
        assertEquals(2, written);
        assertEquals("0\n", Files.readString(out.resolve("0/stdout")));
        assertEquals("0\n", Files.readString(out.resolve("0/exit-code")));
        assertEquals("zero", Files.readString(out.resolve("0/out/r.txt")));
        assertEquals("3\n", Files.readString(out.resolve("2/exit-code")));
        assertFalse(Files.exists(out.resolve("1")));
        assertEquals(List.of("task\tstatus\texit-code\tdigest\terror", "0\tVALID\t0\td0\t",
                "1\tERROR\t\t\tmore than maxErrorResults (3)", "2\tVALID\t3\td2\t"),
                Files.readAllLines(out.resolve("index.tsv")));
    }

    @Test
    void nothingIsOverwrittenAndALinkIsNotFollowed() throws IOException {
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("keep"), "mine");
        IOException e = assertThrows(IOException.class, () -> ResultWriter.write(full, List.of(), List.of()));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createDirectories(dir.resolve("elsewhere")));
        e = assertThrows(IOException.class, () -> ResultWriter.write(link, List.of(), List.of()));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        Path file = Files.writeString(dir.resolve("file"), "x");
        e = assertThrows(IOException.class, () -> ResultWriter.write(file, List.of(), List.of()));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        assertEquals(1, ResultWriter.write(Files.createDirectories(dir.resolve("empty")), List.of(),
                List.of(new ResultWriter.Entry(0, "VALID", Optional.of("d"), Optional.empty(),
                        Optional.of(TaskResult.of(0, ""))))));
    }
}
