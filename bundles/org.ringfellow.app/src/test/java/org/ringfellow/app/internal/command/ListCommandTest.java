package org.ringfellow.app.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;

class ListCommandTest {

    static AppStatus app(String name, String version, String message) {
        AppDescriptor d = AppDescriptor.fromHeaders(Map.of("Ringfellow-App", name, "Ringfellow-App-Entry", "app.sh",
                "Ringfellow-App-Size", "3", "Bundle-Version", version));
        return new AppStatus(d, "sha256:" + "ab".repeat(32), AppState.RUNNING, message, List.of());
    }

    static List<String> print(List<AppStatus> apps) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ListCommand.print(apps, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\n"));
    }

    /** Where the column separators of a line are. */
    static List<Integer> separators(String line) {
        List<Integer> at = new java.util.ArrayList<>();
        for (int i = line.indexOf(" | "); i >= 0; i = line.indexOf(" | ", i + 1)) {
            at.add(i);
        }
        return at;
    }

    @Test
    void givenALongVersionAndALongMessage_whenListed_thenEveryColumnLinesUpTheVersionEndsWithAnEllipsisAndTheMessageWraps() {
        String version = "1.0.0.20261206-142229-a-very-long-qualifier";
        String message = "restarting in 1000 ms (failure 1 within 600 s; more than 5 gives the seat up) after: "
                + "the app exited with code 137 (signal 9) /data/ringfellow/apps/calculator/w/a-path-longer-than-a-column-is-wide";
        List<String> lines = print(List.of(app("calculator", version, message), app("upper", "1.0.0", "running")));

        String header = lines.get(0);
        int runtimeColumn = header.indexOf("Runtime");
        int stateColumn = header.indexOf("State");
        int messageColumn = header.indexOf("Message");
        List<String> rows = lines.stream().skip(1).filter(l -> !l.startsWith("-")).toList();
        String first = rows.get(0);
        assertTrue(first.startsWith("calculator "), first);
        assertEquals(runtimeColumn, first.indexOf(" bundle ") + 1, "the runtime lines up with its header:\n"
                + String.join("\n", lines));
        assertEquals(stateColumn, first.indexOf(" RUNNING ") + 1, "the state lines up with its header:\n"
                + String.join("\n", lines));
        List<Integer> columns = separators(header);
        for (String line : rows) {
            assertEquals(columns, separators(line), "a row whose columns do not line up with the header:\n"
                    + String.join("\n", lines));
        }
        String shown = first.substring(header.indexOf("Version"), runtimeColumn).replace("|", "").strip();
        assertEquals(ListCommand.VERSION_WIDTH, shown.length(), shown);
        assertTrue(shown.endsWith(Columns.ELLIPSIS) && version.startsWith(shown.substring(0, shown.length() - 3)),
                shown);
        StringBuilder wrapped = new StringBuilder();
        int wraps = 0;
        for (String line : rows) {
            if (line.startsWith("upper")) {
                break;
            }
            String part = line.substring(messageColumn).strip();
            assertTrue(part.length() <= ListCommand.MESSAGE_WIDTH, part);
            wrapped.append(part);
            wraps++;
        }
        assertTrue(wraps > 1, "the message wraps");
        assertEquals(message.replace(" ", ""), wrapped.toString().replace(" ", ""), "no character of it is lost");
    }

    @Test
    void givenNoApp_whenListed_thenItSaysSo() {
        assertEquals(List.of("No app is deployed on this node."), print(List.of()));
    }

    @Test
    void givenWords_whenWrapped_thenLinesKeepTheirBoundAndLongWordsAreSplitNotDropped() {
        assertEquals(List.of("ab cd", "efghi", "jk l"), Columns.lines("ab cd efghijk l", 5));
        assertEquals(List.of(""), Columns.lines("", 5));
        assertEquals(List.of("abc", "def", "g"), Columns.lines("abcdefg", 3));
    }
}
