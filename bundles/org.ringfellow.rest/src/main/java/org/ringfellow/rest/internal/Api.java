package org.ringfellow.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.fellowship.FellowshipService;
import org.ringfellow.api.job.JobException;
import org.ringfellow.api.job.JobService;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.ring.Ring;
import org.ringfellow.api.ring.RingView;

/**
 * The routes of {@code /api/v1}, apart from the servlet API: a method, a path below
 * {@code /api/v1} and a bounded body in, a status and a JSON value out. Authentication, client
 * addresses and body limits are checked before a call gets here ({@link RestServlet}).
 */
final class Api {

    /** Every route the API serves, as the OpenAPI document names it. */
    static final List<Route> ROUTES = List.of(
            new Route("GET", "/node"),
            new Route("GET", "/ring/members"),
            new Route("GET", "/ring/stats"),
            new Route("GET", "/fellowships"),
            new Route("GET", "/drivers"),
            new Route("GET", "/containers"),
            new Route("GET", "/containers/{id}"),
            new Route("GET", "/apps"),
            new Route("POST", "/apps"),
            new Route("GET", "/apps/{name}"),
            new Route("DELETE", "/apps/{name}"),
            new Route("POST", "/apps/{name}/scale"),
            new Route("GET", "/apps/{name}/logs"),
            new Route("GET", "/jobs"),
            new Route("POST", "/jobs"),
            new Route("GET", "/jobs/{id}"),
            new Route("GET", "/jobs/{id}/results"),
            new Route("POST", "/jobs/{id}/cancel"),
            new Route("GET", "/openapi.json"));

    static final int MAX_LOCATION = 2048;
    static final int MAX_MEMBER = 64;
    /** The longest job id, as the console takes it: a 32-character name, '-' and 8 hex digits. */
    static final int MAX_JOB_ID = 41;
    /** The media types a job file is taken in, and the file name each is kept under for the job service. */
    static final Map<String, String> JOB_TYPES = Map.of("application/json", "job.json", "application/yaml", "job.yaml",
            "application/x-yaml", "job.yaml", "text/yaml", "job.yaml", "text/x-yaml", "job.yaml");
    private static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern HEX_PREFIX = Pattern.compile("[0-9a-fA-F]{1,64}");

    /** A method and a path template. */
    record Route(String method, String path) {
    }

    /** A status and the JSON value of the answer ({@code byte[]} for a document served as it is). */
    record Reply(int status, Object body) {
    }

    /**
     * A reply that is not a body but a stream: a member's log of an app, from an offset on, as
     * Server-Sent Events ({@code ?follow}); {@link LogStream} serves it.
     */
    record Follow(AppService apps, String name, String member, long offset) {
    }

    /** The services the API reads, each possibly absent right now (the job service is optional: feature ringfellow-jobs). */
    record Services(Supplier<Optional<NodeService>> node, Supplier<Optional<Ring>> ring,
            Supplier<Optional<FellowshipService>> fellowships, Supplier<Optional<ContainerManager>> containers,
            Supplier<Optional<AppService>> apps, Supplier<Optional<JobService>> jobs) {

        /** The services without jobs. */
        Services(Supplier<Optional<NodeService>> node, Supplier<Optional<Ring>> ring,
                Supplier<Optional<FellowshipService>> fellowships, Supplier<Optional<ContainerManager>> containers,
                Supplier<Optional<AppService>> apps) {
            this(node, ring, fellowships, containers, apps, Optional::empty);
        }
    }

    private final Services services;
    private final ObjectMapper mapper;
    private final byte[] openApi;
    private final Path uploads;

    Api(Services services, ObjectMapper mapper, byte[] openApi, Path uploads) {
        this.services = services;
        this.mapper = mapper;
        this.openApi = openApi.clone();
        this.uploads = uploads;
    }

    /**
     * Answers one call.
     *
     * @param method the HTTP method
     * @param path the path below {@code /api/v1}, decoded
     * @param query the query parameters (first value of each)
     * @param contentType the body's media type, or empty
     * @param body the body, already bounded
     * @throws ApiException for a refusal, with its status and message
     */
    Reply handle(String method, String path, Map<String, String> query, String contentType, byte[] body) {
        String[] seg = segments(path);
        String m = method.toUpperCase(java.util.Locale.ROOT);
        if (seg.length == 1 && seg[0].equals("openapi.json")) {
            allow(m, "GET");
            return new Reply(200, openApi.clone());
        }
        if (seg.length == 1 && seg[0].equals("node")) {
            allow(m, "GET");
            return new Reply(200, Json.node(need(services.node(), "the node service").info()));
        }
        if (seg.length == 2 && seg[0].equals("ring")) {
            allow(m, "GET");
            Ring ring = need(services.ring(), "the Ring");
            if (seg[1].equals("members")) {
                RingView v = ring.view();
                List<Object> out = new ArrayList<>();
                v.members().forEach(mb -> out.add(Json.member(mb,
                        v.self().map(s -> s.id().equals(mb.id())).orElse(false))));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("running", v.isRunning());
                r.put("version", v.version());
                r.put("members", out);
                return new Reply(200, r);
            }
            if (seg[1].equals("stats")) {
                try {
                    return new Reply(200, Json.ringStats(ring.stats()));
                } catch (IllegalStateException e) {
                    throw new ApiException(503, "the Ring is not running: " + e.getMessage());
                }
            }
        }
        if (seg.length == 1 && seg[0].equals("fellowships")) {
            allow(m, "GET");
            return new Reply(200, need(services.fellowships(), "the fellowship service").list().stream()
                    .map(Json::fellowship).toList());
        }
        if (seg.length == 1 && seg[0].equals("drivers")) {
            allow(m, "GET");
            return new Reply(200, need(services.containers(), "the container manager").drivers().stream()
                    .map(Json::driver).toList());
        }
        if (seg.length >= 1 && seg.length <= 2 && seg[0].equals("containers")) {
            allow(m, "GET");
            ContainerManager cm = need(services.containers(), "the container manager");
            if (seg.length == 1) {
                return new Reply(200, cm.list().stream().map(Json::container).toList());
            }
            String id = seg[1];
            if (!CONTAINER_ID.matcher(id).matches()) {
                throw ApiException.badRequest("a container id is 1-128 of [A-Za-z0-9._-], got '" + shorten(id) + "'");
            }
            return new Reply(200, Json.container(cm.get(id).orElseThrow(() -> ApiException.notFound(
                    "no container " + id + " on this node"))));
        }
        if (seg.length >= 1 && seg[0].equals("apps")) {
            return apps(m, seg, query, contentType, body);
        }
        if (seg.length >= 1 && seg.length <= 3 && seg[0].equals("jobs")) {
            return jobs(m, seg, contentType, body);
        }
        throw ApiException.notFound("no such API path: /api/v1" + shorten(path) + " (see /api/v1/openapi.json)");
    }

    private Reply apps(String m, String[] seg, Map<String, String> query, String contentType, byte[] body) {
        AppService apps = need(services.apps(), "the app engine");
        if (seg.length == 1) {
            allow(m, "GET", "POST");
            if (m.equals("GET")) {
                return new Reply(200, apps.list().stream().map(Json::app).toList());
            }
            return new Reply(201, Json.app(deploy(apps, contentType, body)));
        }
        String name = appName(seg[1]);
        if (seg.length == 2) {
            allow(m, "GET", "DELETE");
            if (m.equals("GET")) {
                return new Reply(200, Json.app(apps.status(name).orElseThrow(() -> ApiException.notFound(
                        "no app named " + name + " is deployed on this node"))));
            }
            try {
                apps.undeploy(name);
            } catch (AppException e) {
                throw appError(apps, name, e);
            }
            return new Reply(200, Map.of("undeployed", name));
        }
        if (seg.length == 3 && seg[2].equals("scale")) {
            allow(m, "POST");
            JsonNode n = jsonBody(contentType, body);
            JsonNode size = n.get("size");
            if (size == null || !size.canConvertToInt() || !size.isIntegralNumber()) {
                throw ApiException.badRequest("the body must be {\"size\": <1-" + AppDescriptor.MAX_SIZE + ">}");
            }
            int s = size.asInt();
            if (s < 1 || s > AppDescriptor.MAX_SIZE) {
                throw ApiException.badRequest("size must be 1-" + AppDescriptor.MAX_SIZE + ", got " + s);
            }
            try {
                return new Reply(200, Json.app(apps.scale(name, s)));
            } catch (AppException e) {
                throw appError(apps, name, e);
            }
        }
        if (seg.length == 3 && seg[2].equals("logs")) {
            allow(m, "GET");
            String member = query.getOrDefault("member", need(services.node(), "the node service").identity().id()
                    .hex()).trim();
            if (!HEX_PREFIX.matcher(member).matches()) {
                throw ApiException.badRequest("a member is given by 1-" + MAX_MEMBER
                        + " hex digits of its node id, got '" + shorten(member) + "'");
            }
            long offset = 0;
            String o = query.get("offset");
            if (o != null) {
                try {
                    offset = Long.parseLong(o.trim());
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("offset must be a number, got '" + shorten(o) + "'");
                }
                if (offset < 0) {
                    throw ApiException.badRequest("offset must be 0 or more, got " + offset);
                }
            }
            if (query.containsKey("follow")) {
                if (apps.status(name).isEmpty()) {
                    throw ApiException.notFound("no app named " + name + " is deployed on this node");
                }
                return new Reply(200, new Follow(apps, name, member, offset));
            }
            try {
                AppService.LogSlice slice = apps.logs(name, member, offset);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("text", slice.text());
                r.put("nextOffset", slice.nextOffset());
                return new Reply(200, r);
            } catch (AppException e) {
                throw appError(apps, name, e);
            }
        }
        throw ApiException.notFound("no such API path: /api/v1/" + shorten(String.join("/", seg))
                + " (see /api/v1/openapi.json)");
    }

    /**
     * The job routes: the {@code job:*} console commands' calls of the job service, with their checks and
     * messages (a job id of 1-{@value #MAX_JOB_ID} characters; "no job ... on this node (see job:list)"; the job
     * reader's message naming the field of a refused job file). A refusal of a job that exists is a 409, of one
     * that does not a 404, of a job file a 400.
     */
    private Reply jobs(String m, String[] seg, String contentType, byte[] body) {
        JobService jobs = need(services.jobs(), "the job service (feature ringfellow-jobs)");
        if (seg.length == 1) {
            allow(m, "GET", "POST");
            if (m.equals("GET")) {
                return new Reply(200, jobs.list().stream().map(Json::job).toList());
            }
            return new Reply(201, submit(jobs, contentType, body));
        }
        String id = jobId(seg[1]);
        if (seg.length == 2) {
            allow(m, "GET");
            return new Reply(200, Json.job(jobs.status(id).orElseThrow(() -> noJob(id))));
        }
        if (seg[2].equals("results")) {
            allow(m, "GET");
            try {
                return new Reply(200, jobs.tasks(id).stream().map(Json::task).toList());
            } catch (JobException e) {
                throw jobError(jobs, id, e);
            }
        }
        if (seg[2].equals("cancel")) {
            allow(m, "POST");
            try {
                return new Reply(200, Json.job(jobs.cancel(id)));
            } catch (JobException e) {
                throw jobError(jobs, id, e);
            }
        }
        throw ApiException.notFound("no such API path: /api/v1/" + shorten(String.join("/", seg))
                + " (see /api/v1/openapi.json)");
    }

    /**
     * Submits a job file sent as the body. The job service reads a file, so the body is written to a directory
     * of its own (deleted once submitted: the job service keeps the file's content). Its inputs must therefore
     * be {@code lines}: that directory holds no input file.
     */
    private Map<String, Object> submit(JobService jobs, String contentType, byte[] body) {
        String type = mediaType(contentType);
        String name = JOB_TYPES.get(type);
        if (name == null) {
            throw new ApiException(415, "a job file is sent as application/json or application/yaml, not '"
                    + shorten(contentType) + "'");
        }
        if (body.length == 0) {
            throw ApiException.badRequest("the body is empty: send the job file (JSON or YAML) as the body");
        }
        Path dir = null;
        Path file = null;
        try {
            Path jobsDir = uploads.resolve("jobs");
            Files.createDirectories(jobsDir);
            dir = Files.createTempDirectory(jobsDir, "job-");
            file = Files.write(dir.resolve(name), body);
            return Json.job(jobs.submit(file));
        } catch (IOException e) {
            throw new ApiException(500, "cannot keep the job file: " + e.getMessage());
        } catch (JobException e) {
            String msg = e.getMessage();
            if (file != null) {
                msg = msg.replace(file.toString(), "the job file").replace(dir.toString(), "the job's directory");
            }
            throw ApiException.badRequest(msg);
        } finally {
            try {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
                if (dir != null) {
                    Files.deleteIfExists(dir);
                }
            } catch (IOException e) {
                // left in the uploads directory
            }
        }
    }

    /** A job id as {@code job:status} and the others take it: trimmed, 1-{@value #MAX_JOB_ID} characters. */
    static String jobId(String id) {
        String n = id == null ? "" : id.trim();
        if (n.isEmpty() || n.length() > MAX_JOB_ID) {
            throw ApiException.badRequest("a job id is 1-" + MAX_JOB_ID + " characters (see job:list), got '"
                    + (n.length() > 60 ? shorten(n.substring(0, 60)) + "..." : shorten(n)) + "'");
        }
        return n;
    }

    private static ApiException noJob(String id) {
        return ApiException.notFound("no job " + shorten(id) + " on this node (see job:list)");
    }

    /** A refusal for a job that does not exist is a 404; any other a 409. */
    private static ApiException jobError(JobService jobs, String id, JobException e) {
        return new ApiException(jobs.status(id).isPresent() ? 409 : 404, e.getMessage());
    }

    private AppStatus deploy(AppService apps, String contentType, byte[] body) {
        String type = mediaType(contentType);
        if (type.equals("application/json")) {
            JsonNode artifact = jsonBody(contentType, body).get("artifact");
            if (artifact == null || !artifact.isTextual()) {
                throw ApiException.badRequest("the body must be {\"artifact\": \"mvn:group/artifact/version\"}, "
                        + "or the app jar itself as application/java-archive");
            }
            URI uri = mvnUri(artifact.asText());
            try {
                return apps.deploy(uri, line -> { });
            } catch (AppException e) {
                throw new ApiException(409, e.getMessage());
            }
        }
        if (type.equals("application/java-archive") || type.equals("application/octet-stream")) {
            if (body.length == 0) {
                throw ApiException.badRequest("the upload is empty: send the app jar as the body");
            }
            Path file = null;
            try {
                Files.createDirectories(uploads);
                file = Files.createTempFile(uploads, "upload-", ".jar");
                Files.write(file, body);
                return apps.deploy(file.toUri(), line -> { });
            } catch (IOException e) {
                throw new ApiException(500, "cannot keep the upload: " + e.getMessage());
            } catch (AppException e) {
                throw new ApiException(409, e.getMessage().replace(String.valueOf(file.toUri()), "the uploaded jar"));
            } finally {
                if (file != null) {
                    try {
                        Files.deleteIfExists(file); // the engine keeps its own copy, by digest
                    } catch (IOException e) {
                        // left in the uploads directory; removed at the next start
                    }
                }
            }
        }
        throw new ApiException(415, "deploy takes application/json {\"artifact\": \"mvn:...\"} or the app jar as "
                + "application/java-archive, not '" + shorten(contentType) + "'");
    }

    /** Only {@code mvn:} locations: over HTTP, a {@code file:} or {@code http:} URL would read wherever the caller says. */
    static URI mvnUri(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.length() > MAX_LOCATION) {
            throw ApiException.badRequest("an artifact location is 1-" + MAX_LOCATION + " characters");
        }
        if (!t.startsWith("mvn:") || t.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw ApiException.badRequest("the API deploys mvn:group/artifact/version URLs or an uploaded jar, "
                    + "not '" + shorten(t) + "'");
        }
        try {
            return new URI(t);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("not a URL: '" + shorten(t) + "': " + e.getReason());
        }
    }

    static String appName(String name) {
        if (!APP_NAME.matcher(name).matches()) {
            throw ApiException.notFound("no app may be named '" + shorten(name)
                    + "' (1-32 of [a-z0-9-], starting alphanumeric)");
        }
        return name;
    }

    /** An {@link AppException} for an app that does not exist is a 404; any other refusal a 409. */
    private static ApiException appError(AppService apps, String name, AppException e) {
        return new ApiException(apps.status(name).isEmpty() ? 404 : 409, e.getMessage());
    }

    private JsonNode jsonBody(String contentType, byte[] body) {
        if (!mediaType(contentType).equals("application/json")) {
            throw new ApiException(415, "the body must be application/json, not '" + shorten(contentType) + "'");
        }
        try {
            JsonNode n = mapper.readTree(body);
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.badRequest("the body cannot be read: " + shorten(e.getMessage()));
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new ApiException(405, method + " is not allowed here; use " + String.join(" or ", allowed));
    }

    private static <T> T need(Supplier<Optional<T>> s, String what) {
        return s.get().orElseThrow(() -> new ApiException(503, what + " is not running on this node"));
    }

    private static String[] segments(String path) {
        String p = path == null ? "" : path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() > 80 ? t.substring(0, 80) + "..." : t;
    }
}
