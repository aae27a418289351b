package org.ringfellow.container.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ResourceLimits;

/** {@code container:list} keeps its columns in line whatever the length of an image name. */
class ContainerListCommandTest {

    private static ContainerInfo container(String id, String imageName) {
        return new ContainerInfo(id, "runc", ContainerState.RUNNING, "sha256:" + "ab".repeat(32), imageName,
                ResourceLimits.SMALL, Instant.EPOCH, Optional.empty());
    }

    private static List<String> print(List<ContainerInfo> containers) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ContainerListCommand.print(containers, Instant.EPOCH.plusSeconds(75), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void longImageNamesDoNotPushTheColumnsAfterThemOutOfLine() {
        String longName = "registry.example.org/some-team/an-image-with-a-long-name:1.2.3-SNAPSHOT";
        List<String> lines = print(List.of(container("c-1", "base"), container("c-2", longName),
                container("c-3", "")));
        String header = lines.get(0);
        int cpu = header.indexOf("CPU");
        int uptime = header.indexOf("UPTIME");
        List<String> rows = lines.stream().filter(l -> l.contains("c-")).toList();
        assertEquals(3, rows.size(), String.join("\n", lines));
        for (String row : rows) {
            assertTrue(row.charAt(cpu) != ' ' && row.charAt(cpu - 1) == ' ', "CPU column out of line in:\n" + row
                    + "\nunder:\n" + header);
            assertTrue(row.substring(uptime).startsWith("1m15s"), "UPTIME column out of line in:\n" + row
                    + "\nunder:\n" + header);
        }
        assertTrue(rows.get(1).contains("registry.example.org/some-team/\u2026"), rows.get(1));
        assertTrue(rows.get(2).contains("abababababab "), "an unnamed image shows its short digest: " + rows.get(2));
    }

    @Test
    void noContainersSaysSo() {
        assertTrue(print(List.of()).stream().anyMatch(l -> l.contains("no containers")));
    }

    @Test
    void ellipsisCutsOnlyWhatIsTooLong() {
        assertEquals("abc", Args.ellipsis("abc", 3));
        assertEquals("ab\u2026", Args.ellipsis("abcd", 3));
    }
}
