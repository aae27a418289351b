package org.ringfellow.app.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberStatus;

/**
 * What the engines of an app's members say to each other over their fellowship: the topics
 * and the JSON bodies. Every body is decoded into a record and validated; anything else is
 * refused with {@link IOException} and counted by the caller.
 */
final class Wire {

    /** Request to the coordinator: the app's record. Reply: {@link AppRecord} as JSON. */
    static final String RECORD = "app.record";
    /** Request: a chunk of the artifact. Body {@link Fetch}; reply: raw bytes, empty at the end. */
    static final String FETCH = "app.fetch";
    /** Message between apps: body {@link Envelope}. */
    static final String MESSAGE = "app.msg";
    /** Request between apps: body {@link Envelope}; reply {@link Answer}. */
    static final String REQUEST = "app.req";
    /** Message: a member's own status, {@link Status}, sent on change and every few seconds. */
    static final String STATUS = "app.status";
    /**
     * Request to the coordinator (or to any running member of an app whose HTTP is
     * {@link HttpMode#STATELESS}): an HTTP request, {@link Http}; reply {@link HttpAnswer}.
     */
    static final String HTTP = "app.http";
    /**
     * Header of a 503 {@link HttpAnswer} from a member of a stateless app whose part does not run:
     * its app never saw the request, so the sender may choose another member.
     */
    static final String NOT_SERVING = "X-Ringfellow-Not-Serving";
    /** Request: a slice of a member's log, {@link LogRead}; reply {@link LogAnswer}. */
    static final String LOGS = "app.logs";
    /** Request to the coordinator: undeploy the app. Reply {@link Answer}. */
    static final String UNDEPLOY = "app.undeploy";
    /** Request to the coordinator: change the app's size, {@link Scale}. Reply {@link Answer}. */
    static final String SCALE = "app.scale";
    /** Message from the coordinator: the app's size changed, {@link Scale}; members keep it in their record. */
    static final String SIZE = "app.size";
    /** Request from the coordinator: stop and remove this member's part. Reply {@link Answer}. */
    static final String STOP = "app.stop";

    /** The largest artifact chunk carried in one reply. */
    static final int CHUNK = 512 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private Wire() {
    }

    record Fetch(String digest, long offset) {
        Fetch {
            required("digest", digest, 80);
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0, got " + offset);
            }
        }
    }

    record Envelope(String topic, byte[] payload) {
        Envelope {
            if (topic == null || topic.isEmpty() || topic.length() > 128) {
                throw new IllegalArgumentException("topic must be 1-128 characters");
            }
            if (payload == null) {
                payload = new byte[0];
            }
        }
    }

    record Answer(boolean ok, byte[] payload, String error) {
        static Answer ok(byte[] payload) {
            return new Answer(true, payload, null);
        }

        static Answer error(String reason) {
            return new Answer(false, null, reason);
        }
    }

    record Status(String node, String nodeName, String containerId, String driver, AppState state, String message) {
        Status {
            required("node", node, 128);
            if (state == null) {
                throw new IllegalArgumentException("state is required");
            }
        }

        MemberStatus toMemberStatus() {
            return new MemberStatus(node, nodeName, containerId, driver, state, message);
        }

        static Status of(MemberStatus s) {
            return new Status(s.node(), s.nodeName(), s.containerId(), s.driver(), s.state(), s.message());
        }
    }

    record Http(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        Http {
            required("method", method, 16);
            if (path == null || path.length() > 8192) {
                throw new IllegalArgumentException("path is required, at most 8192 characters");
            }
        }

        HttpRequest toRequest() {
            return new HttpRequest(method, path, query == null ? "" : query, headers == null ? Map.of() : headers,
                    body == null ? new byte[0] : body);
        }

        static Http of(HttpRequest r) {
            return new Http(r.method(), r.path(), r.query(), r.headers(), r.body());
        }
    }

    record HttpAnswer(int status, Map<String, String> headers, byte[] body) {
        HttpResponse toResponse() {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("HTTP status out of range: " + status);
            }
            return new HttpResponse(status, headers == null ? Map.of() : headers, body == null ? new byte[0] : body);
        }

        static HttpAnswer of(HttpResponse r) {
            return new HttpAnswer(r.status(), r.headers(), r.body());
        }
    }

    record LogRead(long offset) {
        LogRead {
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0, got " + offset);
            }
        }
    }

    /** A field a body cannot do without: present, not empty, at most {@code max} characters. */
    private static void required(String field, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            throw new IllegalArgumentException(field + " is required, 1-" + max + " characters");
        }
    }

    record LogAnswer(String text, long nextOffset) {
    }

    record Scale(int size) {
    }

    static byte[] encode(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + body.getClass().getSimpleName(), e);
        }
    }

    static <T> T decode(byte[] bytes, Class<T> type) throws IOException {
        if (bytes == null || bytes.length == 0) {
            throw new IOException("empty " + type.getSimpleName());
        }
        try {
            T value = JSON.readValue(bytes, type);
            if (value == null) {
                throw new IOException("null " + type.getSimpleName());
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
