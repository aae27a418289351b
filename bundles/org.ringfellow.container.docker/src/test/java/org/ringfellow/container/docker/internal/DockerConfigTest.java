package org.ringfellow.container.docker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.MountType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.ResourceLimits;

/** The spec-to-dockerd mapping, without an engine. */
class DockerConfigTest {

    private static final String NODE = "ab".repeat(32);
    private static final String IMAGE = "sha256:" + "c".repeat(64);

    private static ContainerSpec.Builder spec() {
        return ContainerSpec.builder("web-1", IMAGE, List.of("sh", "-c", "echo hi"));
    }

    @Test
    void defaultSpecIsIsolated() {
        DockerConfig c = DockerConfig.of(spec().build(), "ringfellow/image:cc", NODE, DockerOptions.defaults(""));
        HostConfig h = c.host();
        assertEquals("none", h.getNetworkMode());
        assertTrue(h.getReadonlyRootfs());
        assertArrayEquals(new Capability[] {Capability.ALL}, h.getCapDrop());
        assertEquals(List.of("no-new-privileges"), h.getSecurityOpts(), "nothing may turn seccomp off");
        assertTrue(h.getInit());
        assertEquals("65534:65534", c.user());
        assertEquals(h.getMemory(), h.getMemorySwap(), "memory limit includes swap");
        assertNull(h.getMounts());
    }

    @Test
    void limitsMapToCgroupSettings() {
        DockerConfig c = DockerConfig.of(spec().limits(new ResourceLimits(250, 32L << 20, 12)).build(), "img", NODE,
                DockerOptions.defaults(""));
        assertEquals(32L << 20, c.host().getMemory());
        assertEquals(32L << 20, c.host().getMemorySwap());
        assertEquals(12L, c.host().getPidsLimit());
        assertEquals(100_000L, c.host().getCpuPeriod());
        assertEquals(25_000L, c.host().getCpuQuota(), "250 milli-CPUs = a quarter of the period");
    }

    @Test
    void noCpuQuotaWhenUnlimited() {
        DockerConfig c = DockerConfig.of(spec().limits(new ResourceLimits(0, 32L << 20, 12)).build(), "img", NODE,
                DockerOptions.defaults(""));
        assertNull(c.host().getCpuQuota());
        assertNull(c.host().getCpuPeriod());
    }

    @Test
    void mountsEnvLabelsNameAndCommand() {
        ContainerSpec s = spec().env("A", "1").workingDir("/tmp").label("app", "calc").readOnlyRoot(false)
                .mount(Mount.bindReadOnly("/srv/data", "/data")).mount(Mount.tmpfs("/tmp", 1L << 20)).build();
        DockerConfig c = DockerConfig.of(s, "ringfellow/image:cc", NODE, DockerOptions.defaults(""));
        assertFalse(c.host().getReadonlyRootfs());
        List<com.github.dockerjava.api.model.Mount> m = c.host().getMounts();
        assertEquals(2, m.size());
        assertEquals(MountType.BIND, m.get(0).getType());
        assertEquals("/srv/data", m.get(0).getSource());
        assertEquals("/data", m.get(0).getTarget());
        assertTrue(m.get(0).getReadOnly());
        assertEquals(MountType.TMPFS, m.get(1).getType());
        assertEquals(1L << 20, m.get(1).getTmpfsOptions().getSizeBytes());
        assertEquals(01777, m.get(1).getTmpfsOptions().getMode());
        assertEquals(List.of("A=1"), c.env());
        assertEquals("/tmp", c.workingDir());
        assertEquals(List.of("sh", "-c", "echo hi"), c.command());
        assertEquals("rf-abababababab-web-1", c.name());
        assertEquals(NODE, c.labels().get(ContainerDriver.OWNER_LABEL));
        assertEquals("web-1", c.labels().get(DockerDriver.ID_LABEL));
        assertEquals(IMAGE, c.labels().get("org.ringfellow.image"));
        assertEquals("calc", c.labels().get("app"));
    }

    @Test
    void emptyUserRunsAsTheImagesDefault() {
        DockerOptions root = new DockerOptions(DockerOptions.endpoint(""), "1.41", "", java.time.Duration.ofSeconds(5));
        assertEquals("", DockerConfig.of(spec().build(), "img", NODE, root).user());
        assertFalse(root.nonRootUser());
        assertTrue(DockerOptions.defaults("").nonRootUser());
        assertFalse(new DockerOptions(DockerOptions.endpoint(""), "1.41", "0:0", java.time.Duration.ofSeconds(5))
                .nonRootUser());
    }
}
