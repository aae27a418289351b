package org.ringfellow.container.host.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ResourceLimits;
import org.ringfellow.container.host.SeccompPolicy;

/** The host library's OCI config and options, as an outside driver gets them. */
class OciConfigTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode config(OciRuntimeOptions options, boolean withInit) {
        ContainerSpec spec = ContainerSpec.builder("c1", "sha256:" + "a".repeat(64), List.of("sleep", "1"))
                .limits(new ResourceLimits(100, 16L << 20, 8)).build();
        return OciConfig.build(json, spec, Path.of("/images/base"), "/ringfellow-x/abc/c1", "node-1", options,
                withInit);
    }

    @Test
    void theConfigIsolatesAndLimitsAsTheKitExpects() {
        JsonNode c = config(OciRuntimeOptions.defaults(Path.of("crun"), Path.of("/state")), true);
        assertEquals("node-1", c.path("annotations").path(ContainerDriver.OWNER_LABEL).asText());
        assertEquals(OciConfig.INIT_PATH, c.path("process").path("args").get(0).asText());
        assertTrue(c.path("process").path("noNewPrivileges").asBoolean());
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            assertEquals(0, c.path("process").path("capabilities").path(set).size(), set);
        }
        JsonNode linux = c.path("linux");
        assertEquals(100000, linux.path("uidMappings").get(0).path("hostID").asInt());
        List<String> namespaces = new ArrayList<>();
        linux.path("namespaces").forEach(n -> namespaces.add(n.path("type").asText()));
        assertEquals(List.of("pid", "network", "ipc", "uts", "mount", "cgroup", "user"), namespaces);
        assertEquals("/ringfellow-x/abc/c1", linux.path("cgroupsPath").asText());
        assertEquals(16L << 20, linux.path("resources").path("memory").path("swap").asLong(), "no swap");
        assertEquals(10_000, linux.path("resources").path("cpu").path("quota").asLong());
        if (!OciConfig.seccompArchitectures().isEmpty()) {
            assertTrue(linux.path("seccomp").path("syscalls").get(0).path("names").toString().contains("\"unshare\""));
            assertEquals(SeccompPolicy.CLONE_NAMESPACE_FLAGS.size() + 2, linux.path("seccomp").path("syscalls").size());
        }
    }

    @Test
    void withoutAUserNamespaceTheWorkloadIsNobody() {
        OciRuntimeOptions o = new OciRuntimeOptions(Path.of("runc"), Path.of(""), 0, Path.of("/s"), 1000);
        JsonNode c = config(o, false);
        assertEquals(65534, c.path("process").path("user").path("uid").asInt());
        assertTrue(c.path("linux").path("uidMappings").isMissingNode());
        assertFalse(c.path("process").path("args").get(0).asText().equals(OciConfig.INIT_PATH));
    }

    @Test
    void badOptionsAreRefusedNamingTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new OciRuntimeOptions(Path.of("crun"),
                Path.of(""), -1, Path.of("/s"), 1000)).getMessage().contains("-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new OciRuntimeOptions(Path.of("crun"),
                Path.of(""), 0, Path.of("/s"), 0)).getMessage().contains("got 0"));
        assertThrows(IllegalArgumentException.class, () -> new OciRuntimeOptions(Path.of(""), Path.of(""), 0,
                Path.of("/s"), 1000));
        assertThrows(IllegalArgumentException.class, () -> new OciRuntimeOptions(Path.of("crun"), Path.of(""),
                Integer.MAX_VALUE - 10, Path.of("/s"), 1000));
    }
}
