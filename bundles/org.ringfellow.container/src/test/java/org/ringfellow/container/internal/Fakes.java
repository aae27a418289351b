package org.ringfellow.container.internal;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ringfellow.api.container.Capability;
import org.ringfellow.api.container.ContainerDriver;
import org.ringfellow.api.container.ContainerHandle;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.ContainerStats;
import org.ringfellow.api.container.ContainerStatus;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.ExecResult;
import org.ringfellow.api.container.ExitStatus;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.container.LogChunk;

/** A small in-memory engine and driver for the manager's unit tests (the node is the kit's InMemoryNode). */
final class Fakes {

    static final String NODE = "ab".repeat(32);

    private Fakes() {
    }

    /** The "engine": survives driver instances, like runc's state on disk. */
    static final class Engine {
        final Map<String, String> owners = new ConcurrentHashMap<>();
        final Map<String, ExitStatus> exits = new ConcurrentHashMap<>();
        final List<String> destroyed = new ArrayList<>();
    }

    static final class Driver implements ContainerDriver {
        final String type;
        final Engine engine;
        volatile boolean failStarts;
        volatile boolean engineDown;
        volatile boolean failDestroys;
        /** When set, a start waits at it once the engine made the container, before answering. */
        volatile java.util.concurrent.CountDownLatch startGate;
        final java.util.concurrent.CountDownLatch startReached = new java.util.concurrent.CountDownLatch(1);
        final List<String> recovered = new ArrayList<>();

        Driver(String type, Engine engine) {
            this.type = type;
            this.engine = engine;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.RECOVER);
        }

        @Override
        public Fingerprint fingerprint() {
            return new Fingerprint(Health.HEALTHY, "1.0", "", Map.of());
        }

        @Override
        public ContainerHandle start(ContainerSpec spec) throws DriverException {
            if (failStarts) {
                throw new DriverException(DriverException.Kind.FAILED, "engine said no");
            }
            engine.owners.put(spec.name(), NODE);
            java.util.concurrent.CountDownLatch gate = startGate;
            if (gate != null) {
                startReached.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DriverException(DriverException.Kind.FAILED, "interrupted");
                }
            }
            return new ContainerHandle(spec.name(), type, Instant.now(), Map.of("k", "v"));
        }

        @Override
        public Optional<ExitStatus> waitFor(ContainerHandle handle, Duration timeout) {
            return Optional.ofNullable(engine.exits.get(handle.id()));
        }

        @Override
        public void stop(ContainerHandle handle, Duration grace) {
            engine.exits.putIfAbsent(handle.id(), new ExitStatus(143, 15, false, Instant.now()));
        }

        @Override
        public void destroy(ContainerHandle handle) throws DriverException {
            if (failDestroys) {
                throw new DriverException(DriverException.Kind.FAILED, "engine cannot remove " + handle.id());
            }
            engine.owners.remove(handle.id());
            engine.exits.remove(handle.id());
            engine.destroyed.add(handle.id());
        }

        @Override
        public ContainerStatus inspect(ContainerHandle handle) {
            if (!engine.owners.containsKey(handle.id())) {
                return new ContainerStatus(ContainerState.GONE, 0, Optional.empty());
            }
            ExitStatus e = engine.exits.get(handle.id());
            return e != null ? new ContainerStatus(ContainerState.EXITED, 0, Optional.of(e))
                    : new ContainerStatus(ContainerState.RUNNING, 42, Optional.empty());
        }

        @Override
        public ContainerStats stats(ContainerHandle handle) {
            return new ContainerStats(0, 0, 0, 1, Instant.now());
        }

        @Override
        public ExecResult exec(ContainerHandle handle, List<String> command, Duration timeout) {
            return new ExecResult(0, "", "");
        }

        @Override
        public LogChunk logs(ContainerHandle handle, long fromOffset, int maxBytes) {
            return new LogChunk("", fromOffset, false);
        }

        @Override
        public ContainerHandle recover(ContainerHandle handle) throws DriverException {
            if (!engine.owners.containsKey(handle.id())) {
                throw new DriverException(DriverException.Kind.NOT_FOUND, "gone");
            }
            recovered.add(handle.id());
            return handle;
        }

        @Override
        public List<String> listOwned(String ownerNodeId) throws DriverException {
            if (engineDown) {
                throw new DriverException(DriverException.Kind.ENGINE_UNAVAILABLE, "engine down");
            }
            return engine.owners.entrySet().stream().filter(e -> e.getValue().equals(ownerNodeId))
                    .map(Map.Entry::getKey).sorted().toList();
        }
    }

    static ContainerManagerImpl.Config config(String defaultDriver) {
        return new ContainerManagerImpl.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ContainerManagerImpl.Config.class;
            }

            @Override
            public String defaultDriver() {
                return defaultDriver;
            }
        };
    }

    static Map<String, Object> props(String type) {
        return Map.of(ContainerDriver.TYPE_PROPERTY, type);
    }
}
