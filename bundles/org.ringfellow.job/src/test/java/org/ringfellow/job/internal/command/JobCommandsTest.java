package org.ringfellow.job.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.job.JobView;
import org.ringfellow.api.job.Progress;

/** The job commands' argument checks and their output, without a node. */
class JobCommandsTest {

    private static JobView view(String phase) {
        return new JobView("primes-0123abcd", phase, Optional.empty(), 10, new Progress(3, 2, 4, 1, 9, 2), 4,
                List.of(new JobView.MemberView("ab".repeat(32), 3, 4, 0, false)), Optional.of(Duration.ofSeconds(75)), Optional.empty());
    }

    @Test
    void aJobIdIsBoundedAndNamedWhenRefused() {
        assertEquals("primes-0123abcd", JobCommand.id("  primes-0123abcd "));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> JobCommand.id(" "));
        assertTrue(empty.getMessage().contains("a job id is 1-41 characters"), empty.getMessage());
        IllegalArgumentException longId = assertThrows(IllegalArgumentException.class,
                () -> JobCommand.id("x".repeat(5000)));
        assertTrue(longId.getMessage().length() < 200, "the echo of a long id is cut: " + longId.getMessage());
    }

    @Test
    void aJobFilePathIsBounded() {
        SubmitCommand c = new SubmitCommand();
        c.file = "/" + "a".repeat(SubmitCommand.MAX_PATH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::execute);
        assertTrue(e.getMessage().contains("a job file path is 1-4096 characters"), e.getMessage());
    }

    @Test
    void theListIsAnAsciiTableAndTheProgressLineCountsTasks() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ListCommand.print(List.of(view("RUNNING")), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("primes-0123abcd | RUNNING"), out);
        assertTrue(out.chars().allMatch(ch -> ch < 128), "ASCII only: " + out);
        assertEquals("[###############...............] 4/10 valid, 1 failed, 2 running, RUNNING, ETA 1m15s",
                JobCommand.progress(view("RUNNING")));
        assertEquals("[###############...............] 4/10 valid, 1 failed, 2 running, DONE",
                JobCommand.progress(view("DONE")));
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        ListCommand.print(List.of(), new PrintStream(none, true, StandardCharsets.UTF_8));
        assertTrue(none.toString(StandardCharsets.UTF_8).contains("No job was submitted on this node."));
    }
}
