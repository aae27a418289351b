package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.container.DriverInfo;

/**
 * Issue 5, item 4: a node moves from runc to Docker to LXC while it runs. Containers started
 * on each backend keep running, each on its own driver, while the default changes and while
 * the Docker feature is uninstalled and installed again; then driver:migrate moves a stateless
 * container to another backend. The node never restarts.
 *
 * <p>Each container prints one random token when it starts and then sleeps: a container that
 * was restarted would print a second one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BackendSwapIT extends RingfellowTestSupport {

    private static final List<String> DRIVERS = List.of("runc", "docker", "lxc", "crun");

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return OptionUtils.combine(baseConfig(), systemProperty("ringfellow.engines.required")
                .value(System.getProperty("ringfellow.engines.required", "false")));
    }

    @Test
    public void givenRuncThenDockerThenLxc_whenTheDefaultChangesAndDockerIsReinstalled_thenNoContainerStops()
            throws Exception {
        getOsgiService(BootFinished.class);
        FeaturesService features = getOsgiService(FeaturesService.class);
        for (String type : DRIVERS) {
            String out = executeCommand("feature:install ringfellow-driver-" + type);
            assertFalse(out, out.contains("ERROR"));
        }
        ContainerManager manager = getOsgiService(ContainerManager.class);
        await("every driver present", () -> manager.drivers().size() >= DRIVERS.size());
        List<String> unhealthy = new ArrayList<>();
        for (DriverInfo d : manager.drivers()) {
            if (!d.fingerprint().healthy()) {
                unhealthy.add(d.type() + ": " + d.fingerprint().reason());
            }
        }
        if (Boolean.getBoolean("ringfellow.engines.required")) {
            assertTrue("every engine must work here: " + unhealthy, unhealthy.isEmpty());
        } else {
            assumeTrue("engines missing: " + unhealthy, unhealthy.isEmpty());
        }
        Object managerServiceId = bundleContext.getServiceReference(ContainerManager.class).getProperty("service.id");

        Map<String, String> driverOf = new LinkedHashMap<>();
        try {
            for (String type : DRIVERS) {
                assertTrue(executeCommand("driver:use " + type).contains("now start on " + type));
                for (int i = 1; i <= 2; i++) {
                    String id = "swap-" + type + "-" + i;
                    String out = executeCommand("container:run --name " + id + " --cpu 100 --memory 32m base -- "
                            + "sh -c 'echo boot-$RANDOM$RANDOM; exec sleep 1000'");
                    assertTrue(out, out.contains(id + " running on " + type));
                    driverOf.put(id, type);
                }
                assertEveryoneRunsOnItsOwnDriver(manager, driverOf);
            }
            for (String id : driverOf.keySet()) {
                await(id + " printed its token", () -> bootLines(id) == 1);
            }

            // Docker goes away: its containers are detached, the others are untouched
            String out = executeCommand("feature:uninstall ringfellow-driver-docker");
            assertFalse(out, out.contains("ERROR"));
            await("docker driver gone", () -> manager.drivers().stream().noneMatch(d -> d.type().equals("docker")));
            for (Map.Entry<String, String> e : driverOf.entrySet()) {
                ContainerState expected = e.getValue().equals("docker") ? ContainerState.DETACHED : ContainerState.RUNNING;
                assertEquals(e.getKey(), expected, state(manager, e.getKey()));
            }
            String list = executeCommand("container:list");
            assertTrue(list, list.lines().anyMatch(l -> l.startsWith("swap-docker-1") && l.contains("detached")));

            // ... and comes back: reattached, nothing restarted
            out = executeCommand("feature:install ringfellow-driver-docker");
            assertFalse(out, out.contains("ERROR"));
            await("docker containers reattached", () -> driverOf.keySet().stream()
                    .allMatch(id -> state(manager, id) == ContainerState.RUNNING));
            assertEveryoneRunsOnItsOwnDriver(manager, driverOf);
            for (String id : driverOf.keySet()) {
                assertEquals(id + " never restarted", 1, bootLines(id));
            }

            // a stateless container moves from runc to lxc
            out = executeCommand("driver:migrate swap-runc-1 lxc");
            assertTrue(out, out.contains("swap-runc-1 now runs on lxc"));
            driverOf.put("swap-runc-1", "lxc");
            assertEveryoneRunsOnItsOwnDriver(manager, driverOf);
            await("the migrated container started again", () -> bootLines("swap-runc-1") >= 1);

            assertEquals("the node never restarted", managerServiceId,
                    bundleContext.getServiceReference(ContainerManager.class).getProperty("service.id"));
        } finally {
            for (String id : driverOf.keySet()) {
                executeCommand("container:destroy " + id);
            }
        }
        assertTrue("nothing left: " + manager.list(), manager.list().isEmpty());
    }

    private void assertEveryoneRunsOnItsOwnDriver(ContainerManager manager, Map<String, String> driverOf) {
        for (Map.Entry<String, String> e : driverOf.entrySet()) {
            ContainerInfo c = manager.get(e.getKey()).orElseThrow(() -> new AssertionError("lost " + e.getKey()));
            assertEquals(c.id(), e.getValue(), c.driverType());
            assertEquals(c.id(), ContainerState.RUNNING, c.state());
        }
    }

    private static ContainerState state(ContainerManager manager, String id) {
        return manager.get(id).map(ContainerInfo::state).orElse(ContainerState.GONE);
    }

    private long bootLines(String id) {
        return executeCommand("container:logs " + id).lines().filter(l -> l.startsWith("boot-")).count();
    }
}
