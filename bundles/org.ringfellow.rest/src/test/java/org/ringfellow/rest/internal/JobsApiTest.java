package org.ringfellow.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.job.JobException;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.job.JobView;
import org.ringfellow.api.job.Progress;
import org.ringfellow.job.internal.model.JobFileException;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;

/**
 * The job routes over a job service that implements the API's {@link JobService} and reads what it is sent with
 * the job bundle's real {@link JobFileReader}, as the job host does.
 */
class JobsApiTest {

    private static final String YAML = """
            name: squares
            image: base
            command: [sh, -c, 'read n; echo $((n*n))']
            inputs:
              lines: ["1", "2", "3"]
            """;

    private final ObjectMapper mapper = new ObjectMapper();
    private final FakeJobs jobs = new FakeJobs();
    private Api api;
    private Path uploads;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        uploads = dir.resolve("uploads");
        api = new Api(new Api.Services(Optional::empty, Optional::empty, Optional::empty, Optional::empty,
                Optional::empty, () -> Optional.of(jobs)), mapper, ApiTest.openApi(), uploads);
    }

    private JsonNode call(String method, String path, String type, String body) {
        return mapper.valueToTree(api.handle(method, path, Map.of(), type, body.getBytes(StandardCharsets.UTF_8))
                .body());
    }

    private ApiException refused(String method, String path, String type, String body) {
        return assertThrows(ApiException.class, () -> api.handle(method, path, Map.of(), type,
                body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void submitsYamlAndJsonBodiesAndLeavesNoFileBehind() throws IOException {
        Api.Reply r = api.handle("POST", "/jobs", Map.of(), "application/yaml", YAML.getBytes(StandardCharsets.UTF_8));
        assertEquals(201, r.status());
        JsonNode v = mapper.valueToTree(r.body());
        assertEquals("squares-00000001", v.get("id").asText());
        assertEquals("RECRUITING", v.get("phase").asText());
        assertEquals(3, v.get("tasks").asInt());
        assertEquals(3, v.get("progress").get("pending").asInt());
        assertTrue(v.get("detail").isNull());
        assertTrue(v.get("etaSeconds").isNull());
        assertEquals("job.yaml", jobs.names.get(0));
        String json = "{\"name\": \"cubes\", \"image\": \"base\", \"command\": [\"cat\"], \"inputs\": {\"lines\": [\"7\"]}}";
        JsonNode j = call("POST", "/jobs", "application/json; charset=utf-8", json);
        assertEquals("cubes-00000002", j.get("id").asText());
        assertEquals("job.json", jobs.names.get(1));
        try (Stream<Path> left = Files.walk(uploads)) {
            assertEquals(List.of(uploads.resolve("jobs")), left.filter(p -> !p.equals(uploads)).toList());
        }
        JsonNode list = call("GET", "/jobs", "", "");
        assertEquals(2, list.size());
        assertEquals("cubes-00000002", list.get(1).get("id").asText());
    }

    @Test
    void aRefusedJobFileGetsTheReadersMessageWithoutTheUploadPath() {
        ApiException e = refused("POST", "/jobs", "application/yaml", YAML.replace("name: squares\n", ""));
        assertEquals(400, e.status());
        assertEquals("name is required", e.getMessage());
        ApiException files = refused("POST", "/jobs", "application/json",
                "{\"name\": \"f\", \"image\": \"base\", \"command\": [\"cat\"], \"inputs\": {\"files\": [\"in.txt\"]}}");
        assertEquals(400, files.status());
        assertTrue(files.getMessage().startsWith("inputs.files[0]: "), files.getMessage());
        assertFalse(files.getMessage().contains(uploads.toString()), files.getMessage());
        assertEquals(415, refused("POST", "/jobs", "text/plain", YAML).status());
        assertEquals(400, refused("POST", "/jobs", "application/yaml", "").status());
        assertTrue(jobs.views.isEmpty());
    }

    @Test
    void statusResultsAndCancelLikeTheConsole() {
        call("POST", "/jobs", "application/yaml", YAML);
        String id = "squares-00000001";
        jobs.eta = Optional.of(Duration.ofMillis(12_500));
        JsonNode s = call("GET", "/jobs/" + id, "", "");
        assertEquals(12.5, s.get("etaSeconds").asDouble());
        assertEquals("ab".repeat(32), s.get("members").get(0).get("member").asText());
        assertTrue(s.get("members").get(0).get("excluded").asBoolean());
        JsonNode tasks = call("GET", "/jobs/" + id + "/results", "", "");
        assertEquals(3, tasks.size());
        assertEquals("VALID", tasks.get(0).get("status").asText());
        assertEquals("1", tasks.get(0).get("stdout").asText());
        assertEquals(0, tasks.get(0).get("exitCode").asInt());
        assertTrue(tasks.get(1).get("digest").isNull());
        JsonNode c = call("POST", "/jobs/" + id + "/cancel", "application/json", "");
        assertEquals("CANCELLED", c.get("phase").asText());
        ApiException again = refused("POST", "/jobs/" + id + "/cancel", "application/json", "");
        assertEquals(409, again.status());
        assertEquals("job " + id + " has ended (CANCELLED); nothing to cancel", again.getMessage());

        ApiException missing = refused("GET", "/jobs/nope-00000009", "", "");
        assertEquals(404, missing.status());
        assertEquals("no job nope-00000009 on this node (see job:list)", missing.getMessage());
        ApiException missingCancel = refused("POST", "/jobs/nope-00000009/cancel", "", "");
        assertEquals(404, missingCancel.status());
        assertEquals("no job nope-00000009 on this node (see job:list)", missingCancel.getMessage());
        assertEquals(404, refused("GET", "/jobs/nope-00000009/results", "", "").status());
        ApiException tooLong = refused("GET", "/jobs/" + "a".repeat(42), "", "");
        assertEquals(400, tooLong.status());
        assertEquals("a job id is 1-41 characters (see job:list), got '" + "a".repeat(42) + "'", tooLong.getMessage());
        assertEquals(405, refused("DELETE", "/jobs/" + id, "", "").status());
        assertEquals(405, refused("GET", "/jobs/" + id + "/cancel", "", "").status());
        assertEquals(404, refused("GET", "/jobs/" + id + "/other", "", "").status());
    }

    @Test
    void withoutTheJobServiceTheRoutesAnswer503() throws IOException {
        Api none = new Api(new Api.Services(Optional::empty, Optional::empty, Optional::empty, Optional::empty,
                Optional::empty), mapper, ApiTest.openApi(), uploads);
        ApiException e = assertThrows(ApiException.class, () -> none.handle("GET", "/jobs", Map.of(), "", new byte[0]));
        assertEquals(503, e.status());
        assertEquals("the job service (feature ringfellow-jobs) is not running on this node", e.getMessage());
    }

    @Test
    void aJobAndATaskHaveTheFieldsTheyAlwaysHad() {
        call("POST", "/jobs", "application/yaml", YAML);
        List<String> job = new ArrayList<>();
        call("GET", "/jobs/squares-00000001", "", "").fieldNames().forEachRemaining(job::add);
        assertEquals(List.of("id", "phase", "detail", "tasks", "progress", "collected", "members", "etaSeconds",
                "comparisons"), job);
        List<String> progress = new ArrayList<>();
        call("GET", "/jobs/squares-00000001", "", "").get("progress").fieldNames().forEachRemaining(progress::add);
        assertEquals(List.of("pending", "running", "validated", "failed", "runs", "leases"), progress);
        List<String> task = new ArrayList<>();
        call("GET", "/jobs/squares-00000001/results", "", "").get(0).fieldNames().forEachRemaining(task::add);
        assertEquals(List.of("task", "status", "results", "digest", "exitCode", "stdout", "error"), task);
    }

    /** A job service keeping views in memory; it reads each job file with the job bundle's reader. */
    static final class FakeJobs implements JobService {

        final Map<String, JobView> views = new LinkedHashMap<>();
        final List<String> names = new ArrayList<>();
        private final JobFileReader reader = new JobFileReader();
        Optional<Duration> eta = Optional.empty();

        @Override
        public JobView submit(Path file) throws JobException {
            JobSpec spec;
            try {
                spec = reader.read(file);
            } catch (JobFileException e) {
                throw new JobException(e.getMessage(), e);
            }
            names.add(file.getFileName().toString());
            String id = String.format("%s-%08x", spec.name(), views.size() + 1);
            JobView v = view(id, "RECRUITING", spec.inputs().size());
            views.put(id, v);
            return v;
        }

        private JobView view(String id, String phase, int tasks) {
            return new JobView(id, phase, Optional.empty(), tasks, new Progress(tasks, 0, 0, 0, 0, 0), 0,
                    List.of(new JobView.MemberView("ab".repeat(32), 0, 1, 2, true)), eta, Optional.empty());
        }

        @Override
        public List<JobView> list() {
            return List.copyOf(views.values());
        }

        @Override
        public Optional<JobView> status(String id) {
            return Optional.ofNullable(views.get(id)).map(v -> view(v.id(), v.phase(), v.tasks()));
        }

        @Override
        public List<TaskLine> tasks(String id) throws JobException {
            JobView v = known(id);
            List<TaskLine> out = new ArrayList<>();
            for (int i = 0; i < v.tasks(); i++) {
                out.add(i == 0 ? new TaskLine(0, "VALID", 2, Optional.of("cd".repeat(32)), Optional.of(0),
                        Optional.of("1"), Optional.empty())
                        : new TaskLine(i, "OPEN", 0, Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.empty()));
            }
            return out;
        }

        @Override
        public int results(String id, Path target) throws JobException {
            throw new JobException("not over HTTP");
        }

        @Override
        public JobView cancel(String id) throws JobException {
            JobView v = known(id);
            if (v.ended()) {
                throw new JobException("job " + id + " has ended (" + v.phase() + "); nothing to cancel");
            }
            JobView c = view(id, "CANCELLED", v.tasks());
            views.put(id, c);
            return c;
        }

        private JobView known(String id) throws JobException {
            JobView v = views.get(id);
            if (v == null) {
                throw new JobException("no job " + id + " on this node (see job:list)");
            }
            return v;
        }
    }
}
