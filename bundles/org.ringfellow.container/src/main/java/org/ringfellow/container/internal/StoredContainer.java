package org.ringfellow.container.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.container.NetworkMode;
import org.ringfellow.api.container.ResourceLimits;

/**
 * What the manager keeps in the node store for one container, in plain JSON types so the record
 * survives any change of the API classes' shape.
 *
 * @param id the container id
 * @param driverType its driver
 * @param phase {@code starting} from before the driver is asked until it answered, then {@code started}
 * @param startedAtMillis when it was started
 * @param driverState the handle's driver state
 * @param spec its spec
 * @param imageName the image's name when it started
 * @param gone whether its engine lost it (kept so the operator sees what happened)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredContainer(String id, String driverType, String phase, long startedAtMillis,
        Map<String, String> driverState, Spec spec, String imageName, boolean gone) {

    static final String STARTING = "starting";
    static final String STARTED = "started";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The spec as plain values. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Spec(String name, String image, List<String> command, Map<String, String> env, String workingDir,
            long milliCpus, long memoryBytes, int pids, List<MountValue> mounts, String network, boolean readOnlyRoot,
            Map<String, String> labels, long stopGraceMillis) {
    }

    /** A mount as plain values. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MountValue(String type, String source, String target, boolean readOnly, long sizeBytes) {
    }

    static StoredContainer starting(ContainerSpec spec, String driverType, String imageName) {
        return new StoredContainer(spec.name(), driverType, STARTING, System.currentTimeMillis(), Map.of(),
                toValue(spec), imageName, false);
    }

    StoredContainer started(ContainerHandle h) {
        return new StoredContainer(id, driverType, STARTED, h.startedAt().toEpochMilli(), h.driverState(), spec,
                imageName, false);
    }

    StoredContainer withGone() {
        return new StoredContainer(id, driverType, phase, startedAtMillis, driverState, spec, imageName, true);
    }

    ContainerHandle handle() {
        return new ContainerHandle(id, driverType, Instant.ofEpochMilli(startedAtMillis),
                driverState == null ? Map.of() : driverState);
    }

    ContainerSpec toSpec() {
        ContainerSpec.Builder b = ContainerSpec.builder(spec.name(), spec.image(), spec.command())
                .workingDir(spec.workingDir())
                .limits(new ResourceLimits(spec.milliCpus(), spec.memoryBytes(), spec.pids()))
                .network(NetworkMode.valueOf(spec.network())).readOnlyRoot(spec.readOnlyRoot())
                .stopGrace(Duration.ofMillis(spec.stopGraceMillis()));
        spec.env().forEach(b::env);
        spec.labels().forEach(b::label);
        for (MountValue m : spec.mounts()) {
            b.mount(new Mount(Mount.Type.valueOf(m.type()), m.source(), m.target(), m.readOnly(), m.sizeBytes()));
        }
        return b.build();
    }

    ResourceLimits limits() {
        return new ResourceLimits(spec.milliCpus(), spec.memoryBytes(), spec.pids());
    }

    static Spec toValue(ContainerSpec s) {
        List<MountValue> mounts = new ArrayList<>();
        for (Mount m : s.mounts()) {
            mounts.add(new MountValue(m.type().name(), m.source(), m.target(), m.readOnly(), m.sizeBytes()));
        }
        return new Spec(s.name(), s.image(), s.command(), s.env(), s.workingDir(), s.limits().milliCpus(),
                s.limits().memoryBytes(), s.limits().pids(), mounts, s.network().name(), s.readOnlyRoot(), s.labels(),
                s.stopGrace().toMillis());
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode container " + id, e);
        }
    }

    static StoredContainer fromJson(String text) throws JsonProcessingException {
        return JSON.readValue(text, StoredContainer.class);
    }
}
