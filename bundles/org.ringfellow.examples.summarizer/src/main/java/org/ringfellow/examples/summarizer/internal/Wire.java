package org.ringfellow.examples.summarizer.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * JSON in and out, with Jackson's streaming parser held to bounds: a tree of maps, lists, strings,
 * numbers and booleans at most {@value #MAX_DEPTH} deep, {@value #MAX_ENTRIES} entries per container.
 * Bodies between members are deflated; inflating stops at {@value #MAX_INFLATED} bytes.
 */
final class Wire {

    static final int MAX_DEPTH = 8;
    static final int MAX_ENTRIES = 10_000;
    static final int MAX_INFLATED = 4 << 20;
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_INFLATED).maxNumberLength(40).build())
            .build();

    private Wire() {
    }

    /** Something the JSON writer turns into text: maps, lists, strings, numbers, booleans, null. */
    static byte[] write(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.configure(JsonGenerator.Feature.ESCAPE_NON_ASCII, false);
            writeValue(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeNull();
            }
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof int[] a) {
            g.writeArray(a, 0, a.length);
        } else if (v instanceof double[] a) {
            g.writeStartArray();
            for (double d : a) {
                writeValue(g, d);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> it) {
            g.writeStartArray();
            for (Object o : it) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    /**
     * Reads one JSON value.
     *
     * @param body the bytes, UTF-8
     * @return maps, lists, strings, Longs, Doubles, Booleans, null
     * @throws IllegalArgumentException with the parser's message if it is not JSON within the bounds
     */
    static Object read(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IllegalArgumentException("the body is empty, not JSON");
            }
            Object v = readValue(p, t);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("more than one JSON value in the body");
            }
            return v;
        } catch (IOException e) {
            String m = e.getMessage();
            int cut = m == null ? -1 : m.indexOf("\n at [Source");
            throw new IllegalArgumentException("not valid JSON: " + (cut > 0 ? m.substring(0, cut) : m));
        }
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    if (m.size() >= MAX_ENTRIES) {
                        throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries in an object");
                    }
                    m.put(name, readValue(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_ARRAY; k = p.nextToken()) {
                    if (l.size() >= MAX_ENTRIES) {
                        throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries in an array");
                    }
                    l.add(readValue(p, k));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue() : p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return true;
            }
            case VALUE_FALSE -> {
                return false;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalArgumentException("unexpected JSON token " + t);
        }
    }

    static byte[] deflate(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_SPEED))) {
            d.write(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] inflate(byte[] in) {
        try (InputStream i = new InflaterInputStream(new ByteArrayInputStream(in))) {
            byte[] out = i.readNBytes(MAX_INFLATED + 1);
            if (out.length > MAX_INFLATED) {
                throw new IllegalArgumentException("a message inflates to more than " + MAX_INFLATED + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("a message is not deflated data: " + e.getMessage());
        }
    }

    // ---- typed access to a decoded tree, each failing with the field's name ----

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String what) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(what + " must be a JSON object");
    }

    static List<?> list(Object v, String what) {
        if (v instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(what + " must be a JSON array");
    }

    static String string(Object v, String what) {
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(what + " must be a string");
    }

    static long integer(Object v, String what, long min, long max) {
        if (v instanceof Long l && l >= min && l <= max) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d) && d >= min && d <= max) {
            return d.longValue();
        }
        throw new IllegalArgumentException(what + " must be a whole number in " + min + ".." + max + ", got "
                + (v instanceof String s && s.length() > 40 ? s.substring(0, 40) + "..." : v));
    }

    static double number(Object v, String what) {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(what + " must be a number");
    }

    static int[] ints(Object v, String what, int max) {
        List<?> l = list(v, what);
        if (l.size() > max) {
            throw new IllegalArgumentException(what + " has more than " + max + " entries");
        }
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) integer(l.get(i), what, 0, Integer.MAX_VALUE);
        }
        return out;
    }
}
