package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.app.HttpResponse;

/** Three members of the app on a fellowship in this JVM, asked over HTTP as the ingress asks the coordinator. */
class ${appClass}Test {

    private InJvmFellowship fellowship;
    private InJvmFellowship.Member coordinator;

    @BeforeEach
    void threeMembers() {
        fellowship = new InJvmFellowship("${appName}");
        coordinator = fellowship.add("a1", "node-a", new ${appClass}());
        fellowship.add("b2", "node-b", new ${appClass}());
        fellowship.add("c3", "node-c", new ${appClass}());
    }

    @AfterEach
    void stop() {
        fellowship.close();
    }

    private HttpResponse http(String method, String path, String body) {
        return coordinator.http(method, path, body.getBytes(StandardCharsets.UTF_8)).join();
    }

    private static String body(HttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aPostedNoteReachesEveryMemberThroughItsMessageHandler() {
        HttpResponse posted = http("POST", "/notes", "hello, fellowship");
        assertEquals(201, posted.status(), body(posted));
        assertTrue(body(posted).contains("sent to 2 other member(s)"), body(posted));

        // each member's count, asked of it by a request: the broadcast reached its handler first
        HttpResponse counts = http("GET", "/members", "");
        assertEquals(200, counts.status());
        assertEquals("node-a: 1\nnode-b: 1\nnode-c: 1\n", body(counts));
        assertEquals("hello, fellowship\n", body(http("GET", "/notes", "")));
    }

    @Test
    void aMemberThatLeftIsNoLongerAsked() {
        http("POST", "/notes", "one");
        fellowship.kill("c3");
        assertEquals("node-a: 1\nnode-b: 1\n", body(http("GET", "/members", "")));
    }

    @Test
    void badRequestsGetAClearStatus() {
        assertEquals(400, http("POST", "/notes", "").status());
        HttpResponse tooLong = http("POST", "/notes", "x".repeat(${appClass}.MAX_NOTE_BYTES + 1));
        assertEquals(413, tooLong.status());
        assertTrue(body(tooLong).contains("got " + (${appClass}.MAX_NOTE_BYTES + 1)), body(tooLong));
        assertEquals(405, http("DELETE", "/notes", "").status());
        assertEquals(404, http("GET", "/nothing", "").status());
        assertEquals("", body(http("GET", "/notes", "")), "nothing bad was kept");
    }

    @Test
    void aMemberKeepsOnlyTheNewestNotes() {
        for (int i = 0; i < ${appClass}.MAX_NOTES + 5; i++) {
            assertEquals(201, http("POST", "/notes", "note " + i).status());
        }
        String notes = body(http("GET", "/notes", ""));
        assertEquals(${appClass}.MAX_NOTES, notes.lines().count());
        assertTrue(notes.startsWith("note 5\n"), notes);
    }
}
