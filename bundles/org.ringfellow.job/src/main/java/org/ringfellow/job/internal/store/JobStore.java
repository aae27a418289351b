package org.ringfellow.job.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.ringfellow.api.node.NodeStore;
import org.ringfellow.job.internal.model.JobFileException;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;
import org.ringfellow.job.internal.model.TaskInput;
import org.ringfellow.job.internal.quorum.Instance;
import org.ringfellow.job.internal.quorum.MemberRecord;
import org.ringfellow.job.internal.quorum.Mode;
import org.ringfellow.job.internal.quorum.Outcome;
import org.ringfellow.job.internal.quorum.TaskState;
import org.ringfellow.job.internal.quorum.TaskStatus;
import org.ringfellow.job.internal.quorum.Validity;

/**
 * The submitter's durable job state, in the node store (H2 MVStore behind {@link NodeStore}; every write is
 * committed and synced before it returns). Namespace {@value #JOBS}: per job its meta record, its job file as
 * submitted (in chunks), the digest of its inputs, the state of every task that changed, and what it knows of its
 * members. Namespace {@value #EXCLUDED}: the members this submitter excluded, which its later jobs avoid. A
 * restarted submitter reads the job file back, checks that its inputs are the ones submitted, and rebuilds each
 * task from its kept state; leases under way are not kept (they are handed out again). Values read back are
 * checked: an entry that does not parse is reported with the job and key, never silently skipped.
 */
public final class JobStore {

    /** The namespace of jobs. */
    public static final String JOBS = "jobs";
    /** The namespace of excluded members. */
    public static final String EXCLUDED = "jobs.excluded";
    /** Characters per chunk of a stored job file (a store value holds at most 1 Mi characters). */
    static final int CHUNK = 256 << 10;

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}-[0-9a-f]{8}");
    private static final Pattern MEMBER = Pattern.compile("[0-9a-zA-Z._-]{1,128}");

    private final NodeStore.Namespace jobs;
    private final NodeStore.Namespace excluded;
    private final ObjectMapper json = new ObjectMapper();

    /** @param store the node's store */
    public JobStore(NodeStore store) {
        this.jobs = store.namespace(JOBS);
        this.excluded = store.namespace(EXCLUDED);
    }

    /**
     * Keeps a new job: its job file, the digest of its inputs and its meta record (written last, so a job is
     * listed only once all of it is kept).
     *
     * @param spec the parsed job
     * @param content the job file as submitted
     * @param yaml whether it is YAML
     * @param base the directory its input files are relative to
     * @param nowMillis the wall clock
     * @param seed the seed of its scheduler
     * @return the kept job
     */
    public StoredJob submit(JobSpec spec, String content, boolean yaml, Path base, long nowMillis, long seed) {
        String id = spec.name() + "-" + HexFormat.of().formatHex(sha256(content + "\0" + nowMillis + "\0" + seed))
                .substring(0, 8);
        if (jobs.get(id + "/meta").isPresent()) {
            throw new IllegalStateException("job " + id + " exists already");
        }
        int chunks = (content.length() + CHUNK - 1) / CHUNK;
        for (int k = 0; k < chunks; k++) {
            jobs.put(id + "/file/" + k, content.substring(k * CHUNK, Math.min(content.length(), (k + 1) * CHUNK)));
        }
        ObjectNode file = json.createObjectNode();
        file.put("chunks", chunks);
        file.put("length", content.length());
        file.put("format", yaml ? "yaml" : "json");
        file.put("base", base.toAbsolutePath().toString());
        file.put("inputs", inputsDigest(spec));
        jobs.put(id + "/file", file.toString());
        StoredJob job = new StoredJob(id, StoredJob.State.RUNNING, nowMillis, seed, 1, 0);
        putMeta(job);
        return job;
    }

    /**
     * The SHA-256 over every task's input (a line, or an input file's digest), in order.
     *
     * @param spec the job
     * @return the digest in hex
     */
    public static String inputsDigest(JobSpec spec) {
        StringBuilder all = new StringBuilder();
        for (TaskInput input : spec.inputs()) {
            all.append(input.index()).append(input.line().isPresent() ? " L " + input.line().get().length() + " "
                    + input.line().get() : " F " + input.sha256().orElseThrow()).append('\n');
        }
        return HexFormat.of().formatHex(sha256(all.toString()));
    }

    /** @return every kept job, by id */
    public List<StoredJob> jobs() {
        List<StoredJob> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(jobs.entries()).entrySet()) {
            if (e.getKey().endsWith("/meta")) {
                String id = e.getKey().substring(0, e.getKey().length() - "/meta".length());
                try {
                    out.add(meta(id, e.getValue()));
                } catch (JobStoreException bad) {
                    out.add(new StoredJob(id, StoredJob.State.FAILED, 0, 0, 1, 0));
                }
            }
        }
        return out;
    }

    /**
     * @param id a job's id
     * @return the job, if kept
     * @throws JobStoreException if its meta record cannot be read
     */
    public Optional<StoredJob> job(String id) throws JobStoreException {
        checkId(id);
        Optional<String> meta = jobs.get(id + "/meta");
        return meta.isEmpty() ? Optional.empty() : Optional.of(meta(id, meta.get()));
    }

    /**
     * Reads a kept job's file back and checks its inputs are still the ones submitted.
     *
     * @param id the job
     * @param reader the job file reader
     * @return the job
     * @throws JobStoreException if the file is not kept whole, no longer parses, or an input changed
     */
    public JobSpec spec(String id, JobFileReader reader) throws JobStoreException {
        checkId(id);
        JsonNode file = read(id, "/file");
        int chunks = file.path("chunks").asInt(-1);
        int length = file.path("length").asInt(-1);
        if (chunks < 0 || chunks > JobFileReader.MAX_FILE_BYTES / CHUNK + 1 || length < 0
                || !file.path("base").isTextual() || !file.path("inputs").isTextual()) {
            throw new JobStoreException("job " + id + ": its file record is damaged: " + file);
        }
        StringBuilder content = new StringBuilder(length);
        for (int k = 0; k < chunks; k++) {
            content.append(jobs.get(id + "/file/" + k)
                    .orElseThrow(() -> new JobStoreException("job " + id + ": part of its job file is missing")));
        }
        if (content.length() != length) {
            throw new JobStoreException("job " + id + ": its kept job file has " + content.length()
                    + " characters, " + length + " expected");
        }
        JobSpec spec;
        try {
            spec = reader.parse(content.toString().getBytes(StandardCharsets.UTF_8),
                    "yaml".equals(file.path("format").asText()), Path.of(file.path("base").asText()));
        } catch (JobFileException e) {
            throw new JobStoreException("job " + id + ": its job file no longer reads: " + e.getMessage(), e);
        }
        if (!inputsDigest(spec).equals(file.path("inputs").asText())) {
            throw new JobStoreException("job " + id + ": its inputs changed since it was submitted (an input file "
                    + "was edited, replaced or removed)");
        }
        return spec;
    }

    /**
     * Changes a job's meta record.
     *
     * @param job the new record
     */
    public void update(StoredJob job) {
        checkIdUnchecked(job.id());
        putMeta(job);
    }

    /**
     * Keeps one task's state.
     *
     * @param id the job
     * @param state the task's state
     */
    public void saveTask(String id, TaskState state) {
        checkIdUnchecked(id);
        ObjectNode n = json.createObjectNode();
        n.put("task", state.task());
        n.put("mode", state.mode().name());
        n.put("status", state.status().name());
        state.error().ifPresent(e -> n.put("error", e));
        n.put("extra", state.extra());
        n.put("canonical", state.canonical());
        ArrayNode list = n.putArray("instances");
        for (Instance i : state.instances()) {
            ObjectNode o = list.addObject();
            o.put("member", i.member());
            o.put("outcome", i.outcome().name());
            if (i.hash() != null) {
                o.put("hash", i.hash());
            }
            o.put("validity", i.validity().name());
        }
        jobs.put(id + "/task/" + state.task(), n.toString());
    }

    /**
     * Every kept task state of a job (tasks never changed have none: they are fresh).
     *
     * @param id the job
     * @param taskCount the job's number of tasks
     * @return the states by task number
     * @throws JobStoreException if one does not read
     */
    public Map<Integer, TaskState> tasks(String id, int taskCount) throws JobStoreException {
        checkId(id);
        Map<Integer, TaskState> out = new TreeMap<>();
        String prefix = id + "/task/";
        for (Map.Entry<String, String> e : jobs.entries().entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            TaskState state = task(id, e.getKey(), parse(id, e.getKey(), e.getValue()));
            if (state.task() < 0 || state.task() >= taskCount
                    || !e.getKey().equals(prefix + state.task())) {
                throw new JobStoreException("job " + id + ": " + e.getKey() + " holds task " + state.task()
                        + " of " + taskCount);
            }
            out.put(state.task(), state);
        }
        return out;
    }

    private TaskState task(String id, String key, JsonNode n) throws JobStoreException {
        try {
            List<Instance> instances = new ArrayList<>();
            for (JsonNode o : n.withArray("instances")) {
                String member = o.path("member").asText("");
                if (!MEMBER.matcher(member).matches()) {
                    throw new IllegalArgumentException("bad member " + member);
                }
                instances.add(new Instance(member, Outcome.valueOf(o.path("outcome").asText()),
                        o.hasNonNull("hash") ? o.get("hash").asText() : null,
                        Validity.valueOf(o.path("validity").asText())));
            }
            return new TaskState(n.path("task").asInt(-1), Mode.valueOf(n.path("mode").asText()),
                    TaskStatus.valueOf(n.path("status").asText()),
                    n.hasNonNull("error") ? Optional.of(n.get("error").asText()) : Optional.empty(),
                    n.path("extra").asInt(0), instances, n.path("canonical").asInt(-1));
        } catch (RuntimeException e) {
            throw new JobStoreException("job " + id + ": " + key + " does not read: " + e.getMessage(), e);
        }
    }

    /**
     * Keeps what a job knows of its members.
     *
     * @param id the job
     * @param members the records
     */
    public void saveMembers(String id, Map<String, MemberRecord> members) {
        checkIdUnchecked(id);
        ObjectNode n = json.createObjectNode();
        for (Map.Entry<String, MemberRecord> e : new TreeMap<>(members).entrySet()) {
            ObjectNode o = n.putObject(e.getKey());
            o.put("consecutiveValid", e.getValue().consecutiveValid());
            o.put("valid", e.getValue().valid());
            o.put("invalid", e.getValue().invalid());
            o.put("excluded", e.getValue().excluded());
        }
        jobs.put(id + "/members", n.toString());
    }

    /**
     * @param id the job
     * @return what the job knows of its members (empty if nothing kept)
     * @throws JobStoreException if the record does not read
     */
    public Map<String, MemberRecord> members(String id) throws JobStoreException {
        checkId(id);
        Optional<String> raw = jobs.get(id + "/members");
        Map<String, MemberRecord> out = new TreeMap<>();
        if (raw.isEmpty()) {
            return out;
        }
        JsonNode n = parse(id, "/members", raw.get());
        for (var it = n.fields(); it.hasNext();) {
            var e = it.next();
            JsonNode o = e.getValue();
            if (!MEMBER.matcher(e.getKey()).matches() || !o.path("valid").canConvertToLong()
                    || !o.path("invalid").canConvertToLong() || !o.path("excluded").isBoolean()) {
                throw new JobStoreException("job " + id + ": member record " + e.getKey() + " does not read");
            }
            out.put(e.getKey(), new MemberRecord(o.path("consecutiveValid").asInt(), o.path("valid").asLong(),
                    o.path("invalid").asLong(), o.path("excluded").asBoolean()));
        }
        return out;
    }

    /**
     * Keeps a member's exclusion for this submitter's later jobs.
     *
     * @param member the member
     * @param jobId the job that excluded it
     * @param valid its valid results there
     * @param invalid its invalid results there
     * @param nowMillis the wall clock
     */
    public void exclude(String member, String jobId, long valid, long invalid, long nowMillis) {
        if (!MEMBER.matcher(member).matches()) {
            throw new IllegalArgumentException("not a member id: " + member);
        }
        ObjectNode n = json.createObjectNode();
        n.put("job", jobId);
        n.put("valid", valid);
        n.put("invalid", invalid);
        n.put("at", nowMillis);
        excluded.put(member, n.toString());
    }

    /** @return the members this submitter excluded */
    public Set<String> excluded() {
        return new TreeSet<>(excluded.entries().keySet());
    }

    /**
     * Lets an excluded member back in (an operator's decision).
     *
     * @param member the member
     * @return true if it was excluded
     */
    public boolean pardon(String member) {
        return excluded.remove(member);
    }

    /**
     * Removes everything kept of a job.
     *
     * @param id the job
     * @return the number of entries removed
     */
    public int delete(String id) {
        checkIdUnchecked(id);
        int n = 0;
        // the meta record first: a job half removed is no longer listed
        if (jobs.remove(id + "/meta")) {
            n++;
        }
        for (String key : jobs.entries().keySet()) {
            if (key.startsWith(id + "/") && jobs.remove(key)) {
                n++;
            }
        }
        return n;
    }

    private void putMeta(StoredJob job) {
        ObjectNode n = json.createObjectNode();
        n.put("state", job.state().name());
        n.put("submitted", job.submittedMillis());
        n.put("seed", job.seed());
        n.put("nextLease", job.nextLease());
        n.put("runs", job.runs());
        jobs.put(job.id() + "/meta", n.toString());
    }

    private StoredJob meta(String id, String raw) throws JobStoreException {
        JsonNode n = parse(id, "/meta", raw);
        try {
            return new StoredJob(id, StoredJob.State.valueOf(n.path("state").asText()), n.path("submitted").asLong(),
                    n.path("seed").asLong(), n.path("nextLease").asLong(), n.path("runs").asInt());
        } catch (RuntimeException e) {
            throw new JobStoreException("job " + id + ": its meta record does not read: " + e.getMessage(), e);
        }
    }

    private JsonNode read(String id, String suffix) throws JobStoreException {
        return parse(id, suffix, jobs.get(id + suffix)
                .orElseThrow(() -> new JobStoreException("job " + id + ": " + suffix.substring(1) + " is missing")));
    }

    private JsonNode parse(String id, String key, String raw) throws JobStoreException {
        try {
            JsonNode n = json.readTree(raw);
            if (n == null || !n.isObject()) {
                throw new JobStoreException("job " + id + ": " + key + " is not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new JobStoreException("job " + id + ": " + key + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void checkId(String id) throws JobStoreException {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new JobStoreException("not a job id: \"" + id + "\" (a job's name, '-' and 8 hex digits)");
        }
    }

    private static void checkIdUnchecked(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a job id: \"" + id + "\"");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
