package org.ringfellow.container.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.DriverInfo;
import org.ringfellow.api.container.Fingerprint;
import org.ringfellow.api.container.Health;
import org.ringfellow.api.container.ResourceLimits;

/** Tab completion of container ids and driver types in the console. */
class CompletersTest {

    private static ContainerManager manager(List<String> containers, List<String> drivers) {
        return (ContainerManager) Proxy.newProxyInstance(ContainerManager.class.getClassLoader(),
                new Class<?>[] {ContainerManager.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "list" -> containers.stream().map(id -> new ContainerInfo(id, "runc", ContainerState.RUNNING,
                            "sha256:" + "0".repeat(64), "base", ResourceLimits.SMALL, Instant.EPOCH, Optional.empty()))
                            .toList();
                    case "drivers" -> drivers.stream().map(t -> new DriverInfo(t,
                            new Fingerprint(Health.HEALTHY, "1", "", Map.of()), Set.of(), false)).toList();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The command line of {@code <command> <typed>} with the cursor at the end. */
    private static CommandLine typed(String command, String typed) {
        String buffer = command + " " + typed;
        return new CommandLine() {
            public int getCursorArgumentIndex() {
                return 1;
            }

            public String getCursorArgument() {
                return typed;
            }

            public int getArgumentPosition() {
                return typed.length();
            }

            public String[] getArguments() {
                return new String[] {command, typed};
            }

            public int getBufferPosition() {
                return buffer.length();
            }

            public String getBuffer() {
                return buffer;
            }
        };
    }

    private static List<String> trimmed(List<String> candidates) {
        return candidates.stream().map(String::trim).sorted().toList();
    }

    @Test
    void containerIdsStartingWithWhatIsTyped() {
        ContainerIdCompleter c = new ContainerIdCompleter();
        c.manager = manager(List.of("web-1", "web-2", "db"), List.of());
        List<String> candidates = new ArrayList<>();
        c.complete(null, typed("container:stop", "we"), candidates);
        assertEquals(List.of("web-1", "web-2"), trimmed(candidates));
    }

    @Test
    void noContainerNoCandidate() {
        ContainerIdCompleter c = new ContainerIdCompleter();
        c.manager = manager(List.of(), List.of());
        List<String> candidates = new ArrayList<>();
        c.complete(null, typed("container:logs", ""), candidates);
        assertEquals(List.of(), candidates);
    }

    @Test
    void driverTypesOfThePresentDrivers() {
        DriverTypeCompleter c = new DriverTypeCompleter();
        c.manager = manager(List.of(), List.of("runc", "lxc", "docker"));
        List<String> candidates = new ArrayList<>();
        c.complete(null, typed("driver:use", ""), candidates);
        assertEquals(List.of("docker", "lxc", "runc"), trimmed(candidates));
        candidates.clear();
        c.complete(null, typed("driver:use", "l"), candidates);
        assertEquals(List.of("lxc"), trimmed(candidates));
    }
}
