package org.ringfellow.app.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.ringfellow.api.app.HttpRequest;
import org.ringfellow.api.app.HttpResponse;
import org.ringfellow.api.app.MemberRef;

/**
 * Encodes and decodes the bridge protocol: one JSON object per line, with {@code "v"} (the
 * protocol version) and {@code "type"} first, then the type's fields in a fixed order, no
 * whitespace, payloads in base64. Decoding checks every field against the {@link BridgeLimits};
 * unknown fields are ignored (a later minor revision may add some), an unknown type or version is
 * malformed. Thread-safe.
 */
public final class BridgeCodec {

    private static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final int MAX_DEPTH = 4;
    private static final long MAX_TIMEOUT_MILLIS = 600_000;
    private static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

    private final BridgeLimits limits;
    private final JsonFactory json;

    /**
     * Creates a codec.
     *
     * @param limits the bounds to hold lines to
     */
    public BridgeCodec(BridgeLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1)
                        .maxStringLength(limits.maxLineBytes()).maxNumberLength(20).build())
                .build();
    }

    /**
     * Returns the limits.
     *
     * @return the limits
     */
    public BridgeLimits limits() {
        return limits;
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes an event as one line, newline included.
     *
     * @param event the event
     * @return the line
     * @throws IllegalArgumentException if a field is beyond the limits
     */
    public byte[] encode(BridgeEvent event) {
        return line(g -> {
            if (event instanceof BridgeEvent.Started e) {
                head(g, "started");
                g.writeStringField("app", text("app", e.app(), 64));
                g.writeFieldName("self");
                member(g, e.self());
                count("members", e.members().size());
                g.writeArrayFieldStart("members");
                for (MemberRef m : e.members()) {
                    member(g, m);
                }
                g.writeEndArray();
                g.writeStringField("coordinator", memberId("coordinator", e.coordinator()));
            } else if (event instanceof BridgeEvent.Stopped) {
                head(g, "stopped");
            } else if (event instanceof BridgeEvent.Message e) {
                head(g, "message");
                g.writeFieldName("from");
                member(g, e.from());
                g.writeStringField("topic", topic(e.topic()));
                g.writeStringField("payload", payload(e.payload()));
            } else if (event instanceof BridgeEvent.Request e) {
                head(g, "request");
                g.writeNumberField("id", id(e.id()));
                g.writeFieldName("from");
                member(g, e.from());
                g.writeStringField("topic", topic(e.topic()));
                g.writeStringField("payload", payload(e.payload()));
            } else if (event instanceof BridgeEvent.Reply e) {
                head(g, "reply");
                g.writeNumberField("id", id(e.id()));
                g.writeFieldName("from");
                member(g, e.from());
                g.writeStringField("payload", payload(e.payload()));
            } else if (event instanceof BridgeEvent.RequestFailed e) {
                head(g, "request-failed");
                g.writeNumberField("id", id(e.id()));
                g.writeStringField("reason", text("reason", e.reason(), limits.maxTextChars()));
            } else if (event instanceof BridgeEvent.MemberJoined e) {
                head(g, "member-joined");
                g.writeFieldName("member");
                member(g, e.member());
            } else if (event instanceof BridgeEvent.MemberLeft e) {
                head(g, "member-left");
                g.writeFieldName("member");
                member(g, e.member());
            } else if (event instanceof BridgeEvent.CoordinatorChanged e) {
                head(g, "coordinator-changed");
                g.writeFieldName("coordinator");
                member(g, e.coordinator());
            } else if (event instanceof BridgeEvent.Http e) {
                HttpRequest r = e.request();
                head(g, "http-request");
                g.writeNumberField("id", id(e.id()));
                g.writeStringField("method", match("method", r.method(), METHOD));
                g.writeStringField("path", text("path", r.path(), limits.maxTextChars()));
                g.writeStringField("query", text("query", r.query(), limits.maxTextChars()));
                count("headers", r.headers().size());
                g.writeObjectFieldStart("headers");
                for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
                    count("values of header " + h.getKey(), h.getValue().size());
                    g.writeArrayFieldStart(match("header name", h.getKey(), HEADER_NAME));
                    for (String v : h.getValue()) {
                        g.writeString(text("header value", v, limits.maxTextChars()));
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
                g.writeStringField("body", payload(r.body()));
            } else {
                throw new IllegalArgumentException("unknown event " + event);
            }
        });
    }

    /**
     * Encodes a command as one line, newline included.
     *
     * @param command the command
     * @return the line
     * @throws IllegalArgumentException if a field is beyond the limits
     */
    public byte[] encode(BridgeCommand command) {
        return line(g -> {
            if (command instanceof BridgeCommand.Send c) {
                head(g, "send");
                g.writeStringField("to", memberId("to", c.to()));
                g.writeStringField("topic", topic(c.topic()));
                g.writeStringField("payload", payload(c.payload()));
            } else if (command instanceof BridgeCommand.Broadcast c) {
                head(g, "broadcast");
                g.writeStringField("topic", topic(c.topic()));
                g.writeStringField("payload", payload(c.payload()));
            } else if (command instanceof BridgeCommand.Request c) {
                head(g, "request");
                g.writeNumberField("id", id(c.id()));
                g.writeStringField("to", memberId("to", c.to()));
                g.writeStringField("topic", topic(c.topic()));
                g.writeStringField("payload", payload(c.payload()));
                g.writeNumberField("timeoutMs", timeout(c.timeoutMillis()));
            } else if (command instanceof BridgeCommand.Reply c) {
                head(g, "reply");
                g.writeNumberField("id", id(c.id()));
                g.writeStringField("payload", payload(c.payload()));
            } else if (command instanceof BridgeCommand.ReplyError c) {
                head(g, "reply");
                g.writeNumberField("id", id(c.id()));
                g.writeStringField("error", text("error", c.reason(), limits.maxTextChars()));
            } else if (command instanceof BridgeCommand.HttpReply c) {
                HttpResponse r = c.response();
                head(g, "http-response");
                g.writeNumberField("id", id(c.id()));
                g.writeNumberField("status", status(r.status()));
                count("headers", r.headers().size());
                g.writeObjectFieldStart("headers");
                for (Map.Entry<String, String> h : r.headers().entrySet()) {
                    g.writeStringField(match("header name", h.getKey(), HEADER_NAME),
                            text("header value", h.getValue(), limits.maxTextChars()));
                }
                g.writeEndObject();
                g.writeStringField("body", payload(r.body()));
            } else if (command instanceof BridgeCommand.Log c) {
                head(g, "log");
                g.writeStringField("message", text("message", c.message(), limits.maxTextChars()));
            } else {
                throw new IllegalArgumentException("unknown command " + command);
            }
        });
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] line(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.size() > limits.maxLineBytes()) {
            throw new IllegalArgumentException("message of " + out.size() + " bytes is beyond the line limit of "
                    + limits.maxLineBytes());
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void head(JsonGenerator g, String type) throws IOException {
        g.writeNumberField("v", BridgeLimits.PROTOCOL_VERSION);
        g.writeStringField("type", type);
    }

    private void member(JsonGenerator g, MemberRef m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", memberId("member id", m.id()));
        g.writeStringField("name", text("member name", m.name(), 256));
        g.writeBooleanField("coordinator", m.coordinator());
        g.writeEndObject();
    }

    private String topic(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || topic.length() > limits.maxTopicChars()) {
            throw new IllegalArgumentException("topic must be 1.." + limits.maxTopicChars() + " characters");
        }
        return topic;
    }

    private String payload(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > limits.maxPayloadBytes()) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes is beyond the limit of "
                    + limits.maxPayloadBytes());
        }
        return Base64.getEncoder().encodeToString(payload);
    }

    private static String text(String what, String value, int max) {
        Objects.requireNonNull(value, what);
        if (value.length() > max) {
            throw new IllegalArgumentException(what + " is longer than " + max + " characters");
        }
        return value;
    }

    private static String memberId(String what, String value) {
        return match(what, value, MEMBER_ID);
    }

    private static String match(String what, String value, Pattern p) {
        Objects.requireNonNull(value, what);
        if (!p.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + ": '" + abbreviate(value) + "'");
        }
        return value;
    }

    private static long id(long id) {
        if (id < 1) {
            throw new IllegalArgumentException("ids are positive, got " + id);
        }
        return id;
    }

    private static long timeout(long millis) {
        if (millis < 1 || millis > MAX_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException("timeout must be 1.." + MAX_TIMEOUT_MILLIS + " ms, got " + millis);
        }
        return millis;
    }

    private static int status(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100..599, got " + status);
        }
        return status;
    }

    private static void count(String what, int n) {
        if (n > BridgeLimits.MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + BridgeLimits.MAX_ENTRIES + " " + what);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes a line from the node.
     *
     * @param line the bytes
     * @param length how many of them form the line (newline excluded)
     * @return the event
     * @throws MalformedLineException if the line breaks a rule of the protocol
     */
    public BridgeEvent decodeEvent(byte[] line, int length) throws MalformedLineException {
        Fields f = parse(line, length);
        String type = f.type;
        return switch (type) {
            case "started" -> {
                List<MemberRef> members = new ArrayList<>();
                for (Object o : f.list("members")) {
                    members.add(member(o, "members"));
                }
                yield new BridgeEvent.Started(f.text("app", 64), member(f.get("self"), "self"), members,
                        f.memberId("coordinator"));
            }
            case "stopped" -> new BridgeEvent.Stopped();
            case "message" -> new BridgeEvent.Message(member(f.get("from"), "from"), f.topic(), f.payload("payload"));
            case "request" -> new BridgeEvent.Request(f.id(), member(f.get("from"), "from"), f.topic(),
                    f.payload("payload"));
            case "reply" -> new BridgeEvent.Reply(f.id(), member(f.get("from"), "from"), f.payload("payload"));
            case "request-failed" -> new BridgeEvent.RequestFailed(f.id(), f.text("reason", limits.maxTextChars()));
            case "member-joined" -> new BridgeEvent.MemberJoined(member(f.get("member"), "member"));
            case "member-left" -> new BridgeEvent.MemberLeft(member(f.get("member"), "member"));
            case "coordinator-changed" -> new BridgeEvent.CoordinatorChanged(member(f.get("coordinator"),
                    "coordinator"));
            case "http-request" -> {
                long id = f.id();
                String method = f.text("method", 16);
                if (!METHOD.matcher(method).matches()) {
                    throw new MalformedLineException("invalid HTTP method");
                }
                Map<String, List<String>> headers = new LinkedHashMap<>();
                for (Map.Entry<String, Object> h : f.map("headers").entrySet()) {
                    if (!HEADER_NAME.matcher(h.getKey()).matches() || !(h.getValue() instanceof List<?> values)) {
                        throw new MalformedLineException("invalid header " + abbreviate(h.getKey()));
                    }
                    List<String> vs = new ArrayList<>();
                    for (Object v : values) {
                        vs.add(string(v, "header value", limits.maxTextChars()));
                    }
                    headers.put(h.getKey(), List.copyOf(vs));
                }
                yield new BridgeEvent.Http(id, new HttpRequest(method, f.text("path", limits.maxTextChars()),
                        f.optionalText("query", limits.maxTextChars()), Map.copyOf(headers), f.payload("body")));
            }
            default -> throw new MalformedLineException("unknown event type '" + abbreviate(type) + "'");
        };
    }

    /**
     * Decodes a line from the app.
     *
     * @param line the bytes
     * @param length how many of them form the line (newline excluded)
     * @return the command
     * @throws MalformedLineException if the line breaks a rule of the protocol
     */
    public BridgeCommand decodeCommand(byte[] line, int length) throws MalformedLineException {
        Fields f = parse(line, length);
        return switch (f.type) {
            case "send" -> new BridgeCommand.Send(f.memberId("to"), f.topic(), f.payload("payload"));
            case "broadcast" -> new BridgeCommand.Broadcast(f.topic(), f.payload("payload"));
            case "request" -> {
                long id = f.id();
                long timeout = f.has("timeoutMs") ? f.number("timeoutMs") : DEFAULT_TIMEOUT_MILLIS;
                if (timeout < 1 || timeout > MAX_TIMEOUT_MILLIS) {
                    throw new MalformedLineException("timeoutMs must be 1.." + MAX_TIMEOUT_MILLIS);
                }
                yield new BridgeCommand.Request(id, f.memberId("to"), f.topic(), f.payload("payload"), timeout);
            }
            case "reply" -> f.has("error")
                    ? new BridgeCommand.ReplyError(f.id(), f.text("error", limits.maxTextChars()))
                    : new BridgeCommand.Reply(f.id(), f.payload("payload"));
            case "http-response" -> {
                long id = f.id();
                long status = f.number("status");
                if (status < 100 || status > 599) {
                    throw new MalformedLineException("status must be 100..599");
                }
                Map<String, String> headers = new LinkedHashMap<>();
                if (f.has("headers")) {
                    for (Map.Entry<String, Object> h : f.map("headers").entrySet()) {
                        if (!HEADER_NAME.matcher(h.getKey()).matches()) {
                            throw new MalformedLineException("invalid header name " + abbreviate(h.getKey()));
                        }
                        headers.put(h.getKey(), string(h.getValue(), "header value", limits.maxTextChars()));
                    }
                }
                yield new BridgeCommand.HttpReply(id, new HttpResponse((int) status, Map.copyOf(headers),
                        f.payload("body")));
            }
            case "log" -> new BridgeCommand.Log(f.text("message", limits.maxTextChars()));
            default -> throw new MalformedLineException("unknown command type '" + abbreviate(f.type) + "'");
        };
    }

    private Fields parse(byte[] line, int length) throws MalformedLineException {
        if (length > limits.maxLineBytes()) {
            throw new MalformedLineException("line of " + length + " bytes is beyond the limit of "
                    + limits.maxLineBytes());
        }
        Object root;
        try (JsonParser p = json.createParser(line, 0, length)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new MalformedLineException("a line must be one JSON object");
            }
            root = value(p, t, 0);
            if (p.nextToken() != null) {
                throw new MalformedLineException("text after the JSON object");
            }
        } catch (IOException | RuntimeException e) {
            if (e.getCause() instanceof MalformedLineException m) {
                throw m;
            }
            throw new MalformedLineException("not valid JSON: " + abbreviate(String.valueOf(e.getMessage())));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) root;
        Fields f = new Fields(map);
        Object v = map.get("v");
        if (!(v instanceof Long version)) {
            throw new MalformedLineException("missing protocol version \"v\"");
        }
        if (version != BridgeLimits.PROTOCOL_VERSION) {
            throw new MalformedLineException("unsupported protocol version " + version);
        }
        f.type = f.text("type", 32);
        return f;
    }

    /** Reads a value into maps, lists, strings, longs and booleans, no deeper than {@link #MAX_DEPTH}. */
    private Object value(JsonParser p, JsonToken t, int depth) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                if (depth >= MAX_DEPTH) {
                    throw new IOException("nested too deep");
                }
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
                    String name = p.currentName();
                    if (m.size() >= BridgeLimits.MAX_ENTRIES + 16) {
                        throw new IOException("too many fields");
                    }
                    m.put(name, value(p, p.nextToken(), depth + 1));
                }
                return m;
            }
            case START_ARRAY -> {
                if (depth >= MAX_DEPTH) {
                    throw new IOException("nested too deep");
                }
                List<Object> l = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    if (l.size() >= BridgeLimits.MAX_ENTRIES) {
                        throw new IOException("more than " + BridgeLimits.MAX_ENTRIES + " entries in a list");
                    }
                    l.add(value(p, n, depth + 1));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return Fields.NULL;
            }
            default -> throw new IOException("unexpected " + t);
        }
    }

    private MemberRef member(Object o, String what) throws MalformedLineException {
        if (!(o instanceof Map<?, ?> m)) {
            throw new MalformedLineException(what + " must be a member object");
        }
        String id = string(m.get("id"), what + ".id", 128);
        if (!MEMBER_ID.matcher(id).matches()) {
            throw new MalformedLineException("invalid member id in " + what);
        }
        Object c = m.get("coordinator");
        return new MemberRef(id, string(m.get("name"), what + ".name", 256), Boolean.TRUE.equals(c));
    }

    private static String string(Object o, String what, int max) throws MalformedLineException {
        if (!(o instanceof String s)) {
            throw new MalformedLineException(what + " must be a string");
        }
        if (s.length() > max) {
            throw new MalformedLineException(what + " is longer than " + max + " characters");
        }
        return s;
    }

    /** The fields of one line, read with the protocol's checks. */
    private final class Fields {
        static final Object NULL = new Object();
        final Map<String, Object> map;
        String type;

        Fields(Map<String, Object> map) {
            this.map = map;
        }

        boolean has(String name) {
            Object o = map.get(name);
            return o != null && o != NULL;
        }

        Object get(String name) throws MalformedLineException {
            if (!has(name)) {
                throw new MalformedLineException("missing field \"" + name + "\"");
            }
            return map.get(name);
        }

        String text(String name, int max) throws MalformedLineException {
            return string(get(name), name, max);
        }

        String optionalText(String name, int max) throws MalformedLineException {
            return has(name) ? text(name, max) : "";
        }

        long number(String name) throws MalformedLineException {
            if (!(get(name) instanceof Long l)) {
                throw new MalformedLineException(name + " must be an integer");
            }
            return l;
        }

        long id() throws MalformedLineException {
            long id = number("id");
            if (id < 1) {
                throw new MalformedLineException("id must be positive");
            }
            return id;
        }

        String memberId(String name) throws MalformedLineException {
            String s = text(name, 128);
            if (!MEMBER_ID.matcher(s).matches()) {
                throw new MalformedLineException("invalid member id in " + name);
            }
            return s;
        }

        String topic() throws MalformedLineException {
            String t = text("topic", limits.maxTopicChars());
            if (t.isEmpty()) {
                throw new MalformedLineException("topic cannot be empty");
            }
            return t;
        }

        /** Payloads may be left out (empty); present, they must be base64 within the size limit. */
        byte[] payload(String name) throws MalformedLineException {
            if (!has(name)) {
                return new byte[0];
            }
            String s = string(map.get(name), name, 4 * ((limits.maxPayloadBytes() + 2) / 3) + 4);
            try {
                byte[] b = Base64.getDecoder().decode(s);
                if (b.length > limits.maxPayloadBytes()) {
                    throw new MalformedLineException(name + " is beyond " + limits.maxPayloadBytes() + " bytes");
                }
                return b;
            } catch (IllegalArgumentException e) {
                throw new MalformedLineException(name + " is not base64");
            }
        }

        List<?> list(String name) throws MalformedLineException {
            if (!(get(name) instanceof List<?> l)) {
                throw new MalformedLineException(name + " must be a list");
            }
            return l;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String name) throws MalformedLineException {
            if (!(get(name) instanceof Map<?, ?> m)) {
                throw new MalformedLineException(name + " must be an object");
            }
            return (Map<String, Object>) m;
        }
    }
}
