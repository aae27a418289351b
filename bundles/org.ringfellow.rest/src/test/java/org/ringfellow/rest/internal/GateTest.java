package org.ringfellow.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateTest {

    @TempDir
    Path dir;
    private ApiToken token;
    private String bearer;
    private final AtomicInteger calls = new AtomicInteger();
    private final RestServlet.Gate.Call call = () -> {
        calls.incrementAndGet();
        return new Api.Reply(200, "ok");
    };
    private final ClientFilter loopback = ClientFilter.parse("loopback");

    @BeforeEach
    void setUp() throws IOException {
        token = ApiToken.loadOrCreate(dir);
        bearer = "Bearer " + Files.readString(dir.resolve(ApiToken.FILE)).trim();
    }

    private int status(String remote, String auth, String origin) {
        try {
            return RestServlet.Gate.check(loopback, token, remote, auth, origin, "http", "127.0.0.1:8181", call)
                    .status();
        } catch (ApiException e) {
            return e.status();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onlyAuthenticatedSameOriginLoopbackCallsGetThrough() {
        assertEquals(200, status("127.0.0.1", bearer, null));
        assertEquals(200, status("127.0.0.1", bearer, "http://127.0.0.1:8181"));
        assertEquals(1 + 1, calls.get());
        assertEquals(401, status("127.0.0.1", null, null));
        assertEquals(401, status("127.0.0.1", "Bearer nope", null));
        assertEquals(403, status("10.0.0.5", bearer, null));
        assertEquals(403, status("127.0.0.1", bearer, "http://evil.example"));
        assertEquals(403, status("127.0.0.1", bearer, "null"));
        assertEquals(2, calls.get(), "no refused call reached the API");
    }

    @Test
    void sameOrigin() {
        assertTrue(RestServlet.sameOrigin("http://127.0.0.1:8181", "http", "127.0.0.1:8181"));
        assertFalse(RestServlet.sameOrigin("https://127.0.0.1:8181", "http", "127.0.0.1:8181"));
        assertFalse(RestServlet.sameOrigin("http://127.0.0.1:8182", "http", "127.0.0.1:8181"));
        assertFalse(RestServlet.sameOrigin("http://x y", "http", "127.0.0.1:8181"));
        assertFalse(RestServlet.sameOrigin("http://127.0.0.1:8181", "http", null));
    }

    @Test
    void bodiesAreBounded() throws IOException {
        assertEquals(10, RestServlet.Gate.readBounded(new ByteArrayInputStream(new byte[10]), 10).length);
        ApiException e = assertThrows(ApiException.class,
                () -> RestServlet.Gate.readBounded(new ByteArrayInputStream(new byte[11]), 10));
        assertEquals(413, e.status());
    }
}
