package org.ringfellow.job.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskResultTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theDigestCoversExitCodeStdoutAndDeclaredOutputs() {
        List<String> declared = List.of("out", "log");
        TaskResult base = new TaskResult(0, b("42\n"), Map.of("out", b("x")));
        String digest = base.digest(declared);
        assertEquals(64, digest.length());
        assertEquals(digest, new TaskResult(0, b("42\n"), Map.of("out", b("x"))).digest(declared));
        assertNotEquals(digest, new TaskResult(1, b("42\n"), Map.of("out", b("x"))).digest(declared));
        assertNotEquals(digest, new TaskResult(0, b("43\n"), Map.of("out", b("x"))).digest(declared));
        assertNotEquals(digest, new TaskResult(0, b("42\n"), Map.of("out", b("y"))).digest(declared));
        // an empty output differs from a missing one
        assertNotEquals(digest, new TaskResult(0, b("42\n"), Map.of("out", b("x"), "log", b(""))).digest(declared));
        // bytes cannot move between stdout and an output unnoticed
        assertNotEquals(new TaskResult(0, b("ab"), Map.of("out", b(""))).digest(declared),
                new TaskResult(0, b("a"), Map.of("out", b("b"))).digest(declared));
        // files nobody declared are not part of the result
        assertEquals(digest, new TaskResult(0, b("42\n"), Map.of("out", b("x"), "junk", b("j"))).digest(declared));
    }
}
