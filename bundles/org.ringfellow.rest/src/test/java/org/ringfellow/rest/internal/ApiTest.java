package org.ringfellow.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppService;
import org.ringfellow.api.app.AppState;
import org.ringfellow.api.app.AppStatus;
import org.ringfellow.api.app.MemberStatus;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;
import org.ringfellow.api.node.NodeInfo;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;

class ApiTest {

    static final String ID = "ab".repeat(32);
    private final ObjectMapper mapper = new ObjectMapper();
    private final FakeApps apps = new FakeApps();
    private Api api;
    private Path uploads;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        uploads = dir.resolve("uploads");
        NodeService node = new FakeNode(dir);
        api = new Api(new Api.Services(() -> Optional.of(node), Optional::empty, Optional::empty, Optional::empty,
                () -> Optional.of(apps)), mapper, openApi(), uploads);
    }

    static byte[] openApi() throws IOException {
        try (InputStream in = RestServlet.class.getResourceAsStream("openapi.json")) {
            return in.readAllBytes();
        }
    }

    private JsonNode json(Api.Reply r) {
        return r.body() instanceof byte[] b ? read(b) : mapper.valueToTree(r.body());
    }

    private JsonNode read(byte[] b) {
        try {
            return mapper.readTree(b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Api.Reply call(String method, String path, String type, String body) {
        return api.handle(method, path, Map.of(), type, body.getBytes(StandardCharsets.UTF_8));
    }

    private ApiException refused(String method, String path, String type, String body) {
        return assertThrows(ApiException.class, () -> call(method, path, type, body));
    }

    @Test
    void everyServedRouteIsInTheOpenApiDocumentAndNoOther() throws IOException {
        JsonNode paths = read(openApi()).get("paths");
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            e.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + e.getKey()));
        }
        Set<String> served = new HashSet<>();
        Api.ROUTES.forEach(r -> served.add(r.method() + " " + r.path()));
        assertEquals(documented, served);
        // and each route in the table is really answered (not 404 "no such API path")
        for (Api.Route r : Api.ROUTES) {
            String path = r.path().replace("{name}", "calc").replace("{id}", "c1");
            try {
                call(r.method(), path, "application/json", "{}");
            } catch (ApiException e) {
                assertTrue(!e.getMessage().startsWith("no such API path"), r + ": " + e.getMessage());
            }
        }
    }

    @Test
    void nodeInfoAsJson() {
        JsonNode n = json(call("GET", "/node", "", ""));
        assertEquals(ID, n.get("id").asText());
        assertEquals("n1", n.get("name").asText());
        assertEquals(1500, n.get("contributed").get("milliCpus").asLong());
        assertEquals("runc", n.get("drivers").get(0).asText());
        assertTrue(n.get("configProblem").isNull());
    }

    @Test
    void unknownPathsMethodsAndAbsentServices() {
        assertEquals(404, refused("GET", "/nope", "", "").status());
        assertEquals(405, refused("POST", "/node", "", "").status());
        ApiException e = refused("GET", "/drivers", "", "");
        assertEquals(503, e.status());
        assertEquals("the container manager is not running on this node", e.getMessage());
    }

    @Test
    void appsListStatusAndNames() {
        apps.apps.add(status("calc", 3));
        JsonNode list = json(call("GET", "/apps", "", ""));
        assertEquals("calc", list.get(0).get("name").asText());
        assertEquals("RUNNING", list.get(0).get("members").get(0).get("state").asText());
        assertEquals(3, json(call("GET", "/apps/calc", "", "")).get("size").asInt());
        ApiException missing = refused("GET", "/apps/other", "", "");
        assertEquals(404, missing.status());
        assertEquals("no app named other is deployed on this node", missing.getMessage());
        assertEquals(404, refused("GET", "/apps/Bad_Name", "", "").status());
    }

    @Test
    void scaleIsValidatedLikeTheConsole() {
        apps.apps.add(status("calc", 3));
        assertEquals("size must be 1-64, got 65", refused("POST", "/apps/calc/scale", "application/json",
                "{\"size\": 65}").getMessage());
        assertEquals(400, refused("POST", "/apps/calc/scale", "application/json", "{\"size\": \"x\"}").status());
        assertEquals(400, refused("POST", "/apps/calc/scale", "application/json", "{\"size\": ").status());
        assertEquals(400, refused("POST", "/apps/calc/scale", "application/json", "[1]").status());
        assertEquals(415, refused("POST", "/apps/calc/scale", "text/plain", "size=2").status());
        assertEquals(2, json(call("POST", "/apps/calc/scale", "application/json; charset=utf-8", "{\"size\": 2}"))
                .get("size").asInt());
        assertEquals(404, refused("POST", "/apps/other/scale", "application/json", "{\"size\": 2}").status());
    }

    @Test
    void deployByMvnUrlOnly() {
        Api.Reply r = call("POST", "/apps", "application/json",
                "{\"artifact\": \"mvn:org.example/calc/1.0\"}");
        assertEquals(201, r.status());
        assertEquals(URI.create("mvn:org.example/calc/1.0"), apps.deployed.get(0));
        ApiException file = refused("POST", "/apps", "application/json", "{\"artifact\": \"file:/etc/passwd\"}");
        assertEquals(400, file.status());
        assertTrue(file.getMessage().contains("mvn:"), file.getMessage());
        assertEquals(400, refused("POST", "/apps", "application/json", "{\"artifact\": 3}").status());
        apps.refusal = "no member offers the runtime bundle";
        ApiException refused = refused("POST", "/apps", "application/json",
                "{\"artifact\": \"mvn:org.example/calc/1.0\"}");
        assertEquals(409, refused.status());
        assertEquals("no member offers the runtime bundle", refused.getMessage());
        assertEquals(415, refused("POST", "/apps", "text/plain", "x").status());
    }

    @Test
    void deployByUploadLeavesNoFileBehind() throws IOException {
        byte[] jar = {'P', 'K', 3, 4};
        Api.Reply r = api.handle("POST", "/apps", Map.of(), "application/java-archive", jar);
        assertEquals(201, r.status());
        assertEquals("file", apps.deployed.get(0).getScheme());
        assertEquals(List.of(4), apps.sizes);
        try (var left = Files.list(uploads)) {
            assertEquals(0, left.count());
        }
        assertEquals(400, assertThrows(ApiException.class, () -> api.handle("POST", "/apps", Map.of(),
                "application/java-archive", new byte[0])).status());
    }

    @Test
    void logsAndUndeploy() {
        apps.apps.add(status("calc", 1));
        JsonNode slice = json(api.handle("GET", "/apps/calc/logs", Map.of("offset", "5"), "", new byte[0]));
        assertEquals("log of " + ID + " from 5", slice.get("text").asText());
        assertEquals(400, assertThrows(ApiException.class, () -> api.handle("GET", "/apps/calc/logs",
                Map.of("offset", "-1"), "", new byte[0])).status());
        assertEquals(400, assertThrows(ApiException.class, () -> api.handle("GET", "/apps/calc/logs",
                Map.of("member", "zz"), "", new byte[0])).status());
        assertEquals("calc", json(call("DELETE", "/apps/calc", "", "")).get("undeployed").asText());
        assertEquals(404, refused("DELETE", "/apps/calc", "", "").status());
    }

    @Test
    void followingALogIsAStreamOfAnExistingApp_validatedFirst() {
        assertEquals(404, assertThrows(ApiException.class, () -> api.handle("GET", "/apps/calc/logs",
                Map.of("follow", ""), "", new byte[0])).status());
        apps.apps.add(status("calc", 1));
        Api.Reply r = api.handle("GET", "/apps/calc/logs", Map.of("follow", "", "offset", "7"), "", new byte[0]);
        Api.Follow f = assertInstanceOf(Api.Follow.class, r.body());
        assertEquals(new Api.Follow(apps, "calc", ID, 7), f);
        assertEquals(400, assertThrows(ApiException.class, () -> api.handle("GET", "/apps/calc/logs",
                Map.of("follow", "", "offset", "x"), "", new byte[0])).status());
    }

    @Test
    void openApiIsServed() {
        assertEquals("3.0.3", json(call("GET", "/openapi.json", "", "")).get("openapi").asText());
    }

    static AppStatus status(String name, int size) {
        AppDescriptor d = new AppDescriptor(name, "1.0", size, ResourceLimits.SMALL, "bundle", "x.App", Map.of());
        return new AppStatus(d, "00".repeat(32), AppState.RUNNING, "running",
                List.of(new MemberStatus(ID, "n1", "c1", "runc", AppState.RUNNING, "")));
    }

    static final class FakeApps implements AppService {
        final List<AppStatus> apps = new ArrayList<>();
        final List<URI> deployed = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        String refusal;

        @Override
        public AppStatus deploy(URI artifact, Consumer<String> progress) throws AppException {
            if (refusal != null) {
                throw new AppException(refusal);
            }
            deployed.add(artifact);
            if (artifact.getScheme().equals("file")) {
                try {
                    sizes.add(Files.readAllBytes(Path.of(artifact)).length);
                } catch (IOException e) {
                    throw new AppException("cannot read " + artifact, e);
                }
            }
            return ApiTest.status("calc", 1);
        }

        @Override
        public List<AppStatus> list() {
            return List.copyOf(apps);
        }

        @Override
        public Optional<AppStatus> status(String name) {
            return apps.stream().filter(a -> a.descriptor().name().equals(name)).findFirst();
        }

        @Override
        public AppStatus scale(String name, int size) throws AppException {
            AppStatus s = status(name).orElseThrow(() -> new AppException("no app " + name));
            AppStatus scaled = ApiTest.status(name, size);
            apps.set(apps.indexOf(s), scaled);
            return scaled;
        }

        @Override
        public LogSlice logs(String name, String member, long fromOffset) throws AppException {
            status(name).orElseThrow(() -> new AppException("no app " + name));
            return new LogSlice("log of " + member + " from " + fromOffset, fromOffset + 10);
        }

        @Override
        public int send(String name, String member, String topic, byte[] payload) {
            return 0;
        }

        @Override
        public void undeploy(String name) throws AppException {
            if (!apps.removeIf(a -> a.descriptor().name().equals(name))) {
                throw new AppException("no app " + name);
            }
        }
    }

    static final class FakeNode implements NodeService {
        private final Path dir;

        FakeNode(Path dir) {
            this.dir = dir;
        }

        @Override
        public NodeIdentity identity() {
            return new NodeIdentity() {
                @Override
                public NodeId id() {
                    return new NodeId(ID);
                }

                @Override
                public byte[] publicKey() {
                    return new byte[0];
                }

                @Override
                public byte[] sign(byte[] data) {
                    return new byte[0];
                }

                @Override
                public boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
                    return false;
                }
            };
        }

        @Override
        public String name() {
            return "n1";
        }

        @Override
        public Resources contributed() {
            return new Resources(1500, 1L << 30, 1L << 32);
        }

        @Override
        public Map<String, String> labels() {
            return Map.of("zone", "eu");
        }

        @Override
        public NodeInfo info() {
            return new NodeInfo(new NodeId(ID), name(), "0.1.0", contributed(), labels(), List.of("runc"),
                    List.of("bundle"), Optional.empty());
        }

        @Override
        public Path dataDirectory() {
            return dir;
        }
    }
}
