package org.ringfellow.job.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.job.internal.model.JobFileException;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;

/**
 * Encodes and decodes {@link JobMessage}s as fellowship messages: one topic per kind, a JSON body of version 1
 * with every field bounded; anything else (an unknown topic or version, a missing, unknown or out-of-bounds field)
 * is a {@link WireException}, which the receiver counts and drops. A {@link JobMessage.Template} is the job file's
 * own schema without inputs, checked on arrival by the same {@link JobFileReader} as a submitted job.
 */
public final class JobWire {

    /** The largest input sent inside a {@link JobMessage.Leases}. */
    public static final int MAX_INLINE = 16 << 10;
    /** The largest part of an input or a result in one {@link JobMessage.Chunk}. */
    public static final int MAX_CHUNK = 512 << 10;
    /** The most leases in one {@link JobMessage.Leases} (32 inline inputs of 16 KiB in base64 stay under 1 MiB). */
    public static final int MAX_GRANTS = 32;
    /** The largest whole (input or result) a chunk may belong to. */
    public static final long MAX_TOTAL = 17L * (64L << 20) + (1 << 20);
    /** The longest error text in a report. */
    public static final int MAX_ERROR = 1024;

    /** Topics, one per kind. */
    public static final String FETCH = "job.fetch";
    /** @see JobMessage.Leases */
    public static final String LEASES = "job.leases";
    /** @see JobMessage.SpecRequest */
    public static final String SPEC_REQUEST = "job.spec-request";
    /** @see JobMessage.Template */
    public static final String TEMPLATE = "job.template";
    /** @see JobMessage.InputRequest */
    public static final String INPUT_REQUEST = "job.input-request";
    /** @see JobMessage.ResultRequest */
    public static final String RESULT_REQUEST = "job.result-request";
    /** @see JobMessage.Chunk */
    public static final String CHUNK = "job.chunk";
    /** @see JobMessage.Report */
    public static final String REPORT = "job.report";
    /** @see JobMessage.ReportAck */
    public static final String ACK = "job.ack";
    /** @see JobMessage.Done */
    public static final String DONE = "job.done";

    private static final Pattern JOB = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}-[0-9a-f]{8}");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> ACKS = Set.of("ACCEPTED", "STALE", "NOT_YOURS");
    private static final Set<String> TEMPLATE_FIELDS = Set.of("name", "runtime", "image", "command", "env",
            "outputs", "resources", "slotsPerMember", "deadlineSeconds", "maxOutputBytes");

    private final ObjectMapper json;
    private final JobFileReader reader = new JobFileReader();

    /** Makes a codec with a bounded parser. */
    public JobWire() {
        StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(8)
                .maxStringLength(FellowshipService.MAX_PAYLOAD).maxNumberLength(20).build();
        json = new ObjectMapper(JsonFactory.builder().streamReadConstraints(limits).build())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * @param message a message
     * @return its topic
     */
    public static String topic(JobMessage message) {
        if (message instanceof JobMessage.Fetch) {
            return FETCH;
        } else if (message instanceof JobMessage.Leases) {
            return LEASES;
        } else if (message instanceof JobMessage.SpecRequest) {
            return SPEC_REQUEST;
        } else if (message instanceof JobMessage.Template) {
            return TEMPLATE;
        } else if (message instanceof JobMessage.InputRequest) {
            return INPUT_REQUEST;
        } else if (message instanceof JobMessage.ResultRequest) {
            return RESULT_REQUEST;
        } else if (message instanceof JobMessage.Chunk) {
            return CHUNK;
        } else if (message instanceof JobMessage.Report) {
            return REPORT;
        } else if (message instanceof JobMessage.ReportAck) {
            return ACK;
        } else {
            return DONE;
        }
    }

    /**
     * Encodes a message (checked as strictly as a decoded one, so nothing undecodable is sent).
     *
     * @param message the message
     * @return the payload, at most {@link FellowshipService#MAX_PAYLOAD} bytes
     * @throws WireException if a field is out of bounds or the payload too large
     */
    public byte[] encode(JobMessage message) throws WireException {
        ObjectNode n = json.createObjectNode();
        n.put("v", 1);
        n.put("job", message.job());
        if (message instanceof JobMessage.Fetch m) {
            n.put("max", m.max());
        } else if (message instanceof JobMessage.Leases m) {
            ArrayNode list = n.putArray("grants");
            for (JobMessage.Grant g : m.grants()) {
                ObjectNode o = list.addObject();
                o.put("lease", g.lease());
                o.put("task", g.task());
                o.put("deadlineSeconds", g.deadlineSeconds());
                o.put("inputSize", g.inputSize());
                g.input().ifPresent(bytes -> o.put("input", Base64.getEncoder().encodeToString(bytes)));
            }
        } else if (message instanceof JobMessage.Template m) {
            n.set("spec", template(m.spec()));
        } else if (message instanceof JobMessage.InputRequest m) {
            n.put("lease", m.lease());
            n.put("offset", m.offset());
        } else if (message instanceof JobMessage.ResultRequest m) {
            n.put("task", m.task());
            n.put("digest", m.digest());
            n.put("offset", m.offset());
        } else if (message instanceof JobMessage.Chunk m) {
            n.put("offset", m.offset());
            n.put("total", m.total());
            n.put("data", Base64.getEncoder().encodeToString(m.data()));
        } else if (message instanceof JobMessage.Report m) {
            n.put("lease", m.lease());
            n.put("success", m.success());
            m.digest().ifPresent(d -> n.put("digest", d));
            m.exitCode().ifPresent(c -> n.put("exitCode", c));
            m.error().ifPresent(e -> n.put("error", e));
        } else if (message instanceof JobMessage.ReportAck m) {
            n.put("lease", m.lease());
            n.put("status", m.status());
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new WireException("cannot encode " + topic(message) + ": " + e.getMessage(), e);
        }
        if (bytes.length > FellowshipService.MAX_PAYLOAD) {
            throw new WireException(topic(message) + " is " + bytes.length + " bytes, over the fellowship's "
                    + FellowshipService.MAX_PAYLOAD);
        }
        decode(topic(message), bytes);
        return bytes;
    }

    /**
     * Decodes a message.
     *
     * @param topic the fellowship message's topic
     * @param payload its body
     * @return the message
     * @throws WireException if it is not a job message of version 1 with every field in bounds
     */
    public JobMessage decode(String topic, byte[] payload) throws WireException {
        if (payload.length > FellowshipService.MAX_PAYLOAD) {
            throw new WireException("payload of " + payload.length + " bytes");
        }
        JsonNode n;
        try {
            n = json.readTree(payload);
        } catch (IOException e) {
            throw new WireException(topic + ": not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new WireException(topic + ": not a JSON object");
        }
        if (n.path("v").asInt(-1) != 1 || !n.path("v").isInt()) {
            throw new WireException(topic + ": version " + n.get("v") + ", only 1 is known");
        }
        String job = text(n, "job", JOB, topic);
        return switch (topic) {
            case FETCH -> {
                only(n, topic, "max");
                yield new JobMessage.Fetch(job, (int) number(n, "max", 1, JobFileReader.MAX_SLOTS, topic));
            }
            case LEASES -> {
                only(n, topic, "grants");
                JsonNode list = n.get("grants");
                if (list == null || !list.isArray() || list.size() > MAX_GRANTS) {
                    throw new WireException(topic + ": grants must be a list of at most " + MAX_GRANTS);
                }
                List<JobMessage.Grant> grants = new ArrayList<>();
                for (JsonNode g : list) {
                    if (!g.isObject()) {
                        throw new WireException(topic + ": a grant must be an object");
                    }
                    only(g, topic + " grant", "lease", "task", "deadlineSeconds", "inputSize", "input");
                    long size = number(g, "inputSize", 0, JobFileReader.MAX_INPUT_FILE_BYTES, topic);
                    Optional<byte[]> input = g.has("input")
                            ? Optional.of(base64(g, "input", MAX_INLINE, topic)) : Optional.empty();
                    if (input.isPresent() && input.get().length != size) {
                        throw new WireException(topic + ": inline input of " + input.get().length
                                + " bytes, inputSize says " + size);
                    }
                    grants.add(new JobMessage.Grant(number(g, "lease", 1, Long.MAX_VALUE, topic),
                            (int) number(g, "task", 0, JobFileReader.MAX_TASKS - 1, topic),
                            (int) number(g, "deadlineSeconds", 1, JobFileReader.MAX_DEADLINE_SECONDS, topic), size,
                            input));
                }
                yield new JobMessage.Leases(job, grants);
            }
            case SPEC_REQUEST -> {
                only(n, topic);
                yield new JobMessage.SpecRequest(job);
            }
            case TEMPLATE -> {
                only(n, topic, "spec");
                yield new JobMessage.Template(job, untemplate(n.get("spec"), topic));
            }
            case INPUT_REQUEST -> {
                only(n, topic, "lease", "offset");
                yield new JobMessage.InputRequest(job, number(n, "lease", 1, Long.MAX_VALUE, topic),
                        number(n, "offset", 0, JobFileReader.MAX_INPUT_FILE_BYTES, topic));
            }
            case RESULT_REQUEST -> {
                only(n, topic, "task", "digest", "offset");
                yield new JobMessage.ResultRequest(job, (int) number(n, "task", 0, JobFileReader.MAX_TASKS - 1, topic),
                        text(n, "digest", DIGEST, topic), number(n, "offset", 0, MAX_TOTAL, topic));
            }
            case CHUNK -> {
                only(n, topic, "offset", "total", "data");
                long offset = number(n, "offset", 0, MAX_TOTAL, topic);
                long total = number(n, "total", 0, MAX_TOTAL, topic);
                byte[] data = base64(n, "data", MAX_CHUNK, topic);
                if (offset + data.length > total || data.length == 0 && offset < total) {
                    throw new WireException(topic + ": " + data.length + " bytes at " + offset + " do not fit a "
                            + "whole of " + total);
                }
                yield new JobMessage.Chunk(job, offset, total, data);
            }
            case REPORT -> {
                only(n, topic, "lease", "success", "digest", "exitCode", "error");
                long lease = number(n, "lease", 1, Long.MAX_VALUE, topic);
                JsonNode success = n.get("success");
                if (success == null || !success.isBoolean()) {
                    throw new WireException(topic + ": success must be true or false");
                }
                if (success.booleanValue()) {
                    if (n.has("error")) {
                        throw new WireException(topic + ": a success has no error");
                    }
                    yield new JobMessage.Report(job, lease, true, Optional.of(text(n, "digest", DIGEST, topic)),
                            Optional.of((int) number(n, "exitCode", Integer.MIN_VALUE, Integer.MAX_VALUE, topic)),
                            Optional.empty());
                }
                if (n.has("digest") || n.has("exitCode")) {
                    throw new WireException(topic + ": an error has no digest or exit code");
                }
                JsonNode error = n.get("error");
                if (error == null || !error.isTextual() || error.textValue().isEmpty()
                        || error.textValue().length() > MAX_ERROR) {
                    throw new WireException(topic + ": an error needs its reason of 1.." + MAX_ERROR + " characters");
                }
                yield new JobMessage.Report(job, lease, false, Optional.empty(), Optional.empty(),
                        Optional.of(error.textValue()));
            }
            case ACK -> {
                only(n, topic, "lease", "status");
                JsonNode status = n.get("status");
                if (status == null || !status.isTextual() || !ACKS.contains(status.textValue())) {
                    throw new WireException(topic + ": status must be one of " + ACKS);
                }
                yield new JobMessage.ReportAck(job, number(n, "lease", 1, Long.MAX_VALUE, topic), status.textValue());
            }
            case DONE -> {
                only(n, topic);
                yield new JobMessage.Done(job);
            }
            default -> throw new WireException("unknown topic " + (topic.length() > 64 ? topic.substring(0, 64)
                    : topic));
        };
    }

    private ObjectNode template(JobSpec spec) {
        ObjectNode o = json.createObjectNode();
        o.put("name", spec.name());
        o.put("runtime", spec.runtime());
        o.put("image", spec.image());
        ArrayNode command = o.putArray("command");
        spec.command().forEach(command::add);
        ObjectNode env = o.putObject("env");
        new java.util.TreeMap<>(spec.env()).forEach(env::put);
        ArrayNode outputs = o.putArray("outputs");
        spec.outputs().forEach(outputs::add);
        ObjectNode resources = o.putObject("resources");
        resources.put("cpus", spec.resources().milliCpus() + "m");
        resources.put("memory", spec.resources().memoryBytes());
        resources.put("disk", spec.resources().diskBytes());
        o.put("slotsPerMember", spec.slotsPerMember());
        o.put("deadlineSeconds", spec.deadlineSeconds());
        o.put("maxOutputBytes", spec.maxOutputBytes());
        return o;
    }

    private JobSpec untemplate(JsonNode spec, String topic) throws WireException {
        if (spec == null || !spec.isObject()) {
            throw new WireException(topic + ": spec must be an object");
        }
        for (Iterator<String> it = spec.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!TEMPLATE_FIELDS.contains(field)) {
                throw new WireException(topic + ": spec field " + field + " is not part of a template");
            }
        }
        ObjectNode file = ((ObjectNode) spec).deepCopy();
        file.putObject("inputs").putArray("lines").add("-");
        // members and replication do not concern a member: a quorum of 1 lets any template through
        file.put("members", 1);
        file.putObject("replication").put("minQuorum", 1);
        JobSpec parsed;
        try {
            parsed = reader.parse(json.writeValueAsBytes(file), false, (Path) null);
        } catch (JobFileException | IOException e) {
            throw new WireException(topic + ": " + e.getMessage(), e);
        }
        return new JobSpec(parsed.name(), parsed.runtime(), parsed.image(), parsed.command(), parsed.env(), List.of(),
                parsed.outputs(), parsed.resources(), parsed.members(), parsed.slotsPerMember(),
                parsed.deadlineSeconds(), parsed.maxOutputBytes(), parsed.replication(), Optional.empty(),
                parsed.exclusion());
    }

    private static void only(JsonNode n, String where, String... fields) throws WireException {
        Set<String> known = new java.util.HashSet<>(List.of(fields));
        known.add("v");
        known.add("job");
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            String field = it.next().getKey();
            if (!known.contains(field)) {
                throw new WireException(where + ": unknown field " + (field.length() > 32 ? field.substring(0, 32)
                        : field));
            }
        }
    }

    private static String text(JsonNode n, String field, Pattern pattern, String where) throws WireException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || !pattern.matcher(v.textValue()).matches()) {
            throw new WireException(where + ": " + field + " is missing or malformed");
        }
        return v.textValue();
    }

    private static long number(JsonNode n, String field, long min, long max, String where) throws WireException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min
                || v.longValue() > max) {
            throw new WireException(where + ": " + field + " must be a whole number " + min + ".." + max);
        }
        return v.longValue();
    }

    private static byte[] base64(JsonNode n, String field, int max, String where) throws WireException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.textValue().length() > (max + 2) / 3 * 4) {
            throw new WireException(where + ": " + field + " must be base64 of at most " + max + " bytes");
        }
        try {
            return Base64.getDecoder().decode(v.textValue());
        } catch (IllegalArgumentException e) {
            throw new WireException(where + ": " + field + " is not base64", e);
        }
    }
}
