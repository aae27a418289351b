package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.ringfellow.api.container.ContainerInfo;
import org.ringfellow.api.container.ContainerManager;
import org.ringfellow.api.container.ContainerState;
import org.ringfellow.api.node.NodeService;

/**
 * Issue 4, item 7: three containers on real runc keep running, as the same processes, while
 * the runc driver bundle is updated and its feature uninstalled and installed again; they are
 * listed detached while the driver is away and running again after, and the node never restarts.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapRuncIT extends RingfellowTestSupport {

    private static final String FEATURE = "ringfellow-driver-runc";
    private static final List<String> IDS = List.of("hot-1", "hot-2", "hot-3");

    @Configuration
    public Option[] config() {
        return baseConfig();
    }

    @Test
    public void givenThreeContainers_whenTheDriverIsUpdatedUninstalledAndReinstalled_thenTheyNeverStop()
            throws Exception {
        assumeTrue("runc is not installed", Files.isExecutable(Path.of("/usr/sbin/runc"))
                || Files.isExecutable(Path.of("/usr/bin/runc")));
        // the boot features installer runs in the background; a feature installed while it runs
        // can be dropped from the required set when it saves its own
        getOsgiService(BootFinished.class);
        FeaturesService features = getOsgiService(FeaturesService.class);
        if (!features.isInstalled(features.getFeature(FEATURE))) {
            String out = executeCommand("feature:install " + FEATURE);
            assertTrue(out, !out.contains("ERROR"));
        }
        ContainerManager manager = getOsgiService(ContainerManager.class);
        ServiceReference<ContainerManager> managerRef = bundleContext.getServiceReference(ContainerManager.class);
        Object managerServiceId = managerRef.getProperty("service.id");
        await("the runc driver is present", () -> hasDriver(manager));
        Path containers = getOsgiService(NodeService.class).dataDirectory().resolve("drivers/runc/containers");

        try {
            for (String id : IDS) {
                String out = executeCommand("container:run --name " + id + " --memory 16m base -- sleep 1000");
                assertTrue(out, out.contains(id + " running on runc"));
            }
            Map<String, Long> pids = pids(containers);
            assertEquals(states(manager, ContainerState.RUNNING), states(manager));
            assertAlive(pids);

            // 1. bundle:update of the driver bundle
            Bundle driver = bundle("org.ringfellow.container.runc");
            String out = executeCommand("bundle:update " + driver.getBundleId());
            assertTrue(out, !out.contains("ERROR"));
            await("the updated driver is back", () -> hasDriver(manager));
            await("running after the update", () -> states(manager).equals(states(manager, ContainerState.RUNNING)));
            assertEquals(pids, pids(containers));
            assertAlive(pids);

            // 2. feature:uninstall: the containers stay, detached
            out = executeCommand("feature:uninstall " + FEATURE);
            assertTrue(out + executeCommand("feature:list -i"), !out.contains("ERROR"));
            await("the driver is gone", () -> !hasDriver(manager));
            assertEquals(states(manager, ContainerState.DETACHED), states(manager));
            String list = executeCommand("container:list");
            for (String id : IDS) {
                assertTrue(list, list.lines().anyMatch(l -> l.startsWith(id) && l.contains("detached")));
            }
            assertAlive(pids);

            // 3. feature:install: reattached, the same processes
            out = executeCommand("feature:install " + FEATURE);
            assertTrue(out, !out.contains("ERROR"));
            await("the driver is back", () -> hasDriver(manager));
            await("running after the reinstall",
                    () -> states(manager).equals(states(manager, ContainerState.RUNNING)));
            assertEquals(pids, pids(containers));
            assertAlive(pids);
            list = executeCommand("container:list");
            for (String id : IDS) {
                assertTrue(list, list.lines().anyMatch(l -> l.startsWith(id) && l.contains("running")));
            }

            // the node never restarted: the same manager service, the same framework
            assertEquals(managerServiceId,
                    bundleContext.getServiceReference(ContainerManager.class).getProperty("service.id"));
            assertEquals(Bundle.ACTIVE, bundle("org.ringfellow.node").getState());
        } finally {
            for (String id : IDS) {
                executeCommand("container:destroy " + id);
            }
        }
        assertTrue(manager.list().isEmpty());
    }

    @Test
    public void givenTheRuncDriver_whenTheOperatorUsesTheConsole_thenEveryCommandAnswersClearly() throws Exception {
        assumeTrue("runc is not installed", Files.isExecutable(Path.of("/usr/sbin/runc"))
                || Files.isExecutable(Path.of("/usr/bin/runc")));
        getOsgiService(BootFinished.class);
        FeaturesService features = getOsgiService(FeaturesService.class);
        if (!features.isInstalled(features.getFeature(FEATURE))) {
            executeCommand("feature:install " + FEATURE);
        }
        ContainerManager manager = getOsgiService(ContainerManager.class);
        await("the runc driver is present", () -> hasDriver(manager));

        String drivers = executeCommand("driver:list");
        assertTrue(drivers, drivers.lines().anyMatch(l -> l.startsWith("*") && l.contains("runc")
                && l.contains("HEALTHY") && l.contains("oom_detection")));
        assertTrue(executeCommand("driver:use docker"), executeCommand("driver:use docker").contains("no driver"));
        assertTrue(executeCommand("driver:use runc").contains("now start on runc"));
        String images = executeCommand("image:list");
        assertTrue(images, images.lines().anyMatch(l -> l.startsWith("base ")));

        try {
            String out = executeCommand("container:run --name console-1 --cpu 200 --memory 32m --pids 16 base -- "
                    + "sh -c 'echo hello console; exec sleep 1000'");
            assertTrue(out, out.contains("console-1 running on runc"));
            await("output", () -> executeCommand("container:logs console-1").contains("hello console"));
            String exec = executeCommand("container:exec console-1 -- cat /proc/self/uid_map");
            assertTrue(exec, exec.trim().startsWith("0"));
            String stats = executeCommand("container:stats console-1");
            assertTrue(stats, stats.contains("of 32M"));
            assertTrue(executeCommand("driver:migrate console-1 docker").contains("no driver"));
            String list = executeCommand("container:list");
            assertTrue(list, list.lines().anyMatch(l -> l.startsWith("console-1") && l.contains("running")
                    && l.contains("200m") && l.contains("32M")));
            assertTrue(executeCommand("container:stop --grace 5 console-1").contains("stopped"));
            list = executeCommand("container:list");
            assertTrue(list, list.lines().anyMatch(l -> l.startsWith("console-1") && l.contains("exited")));
            // refusals are clear, and never a stack trace
            assertTrue(executeCommand("container:run --name console-1 base -- true").contains("already exists"));
            assertTrue(executeCommand("container:run --memory 1k base -- true").contains("at least 4 MiB"));
            assertTrue(executeCommand("container:run --name BAD base -- true").contains("container name"));
            assertTrue(executeCommand("container:run nosuchimage -- true").contains("no image"));
            assertTrue(executeCommand("container:run --memory 1000g base -- true").contains("contributes"));
            assertTrue(executeCommand("container:logs nosuch").contains("no container"));
            assertTrue(executeCommand("image:import bad /no/such.tar").contains("no such archive"));
        } finally {
            executeCommand("container:destroy console-1");
        }
        assertTrue(executeCommand("container:list").lines().noneMatch(l -> l.startsWith("console-1")));
    }

    private static boolean hasDriver(ContainerManager manager) {
        return manager.drivers().stream().anyMatch(d -> d.type().equals("runc"));
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    private static Map<String, ContainerState> states(ContainerManager manager) {
        Map<String, ContainerState> out = new TreeMap<>();
        for (ContainerInfo c : manager.list()) {
            out.put(c.id(), c.state());
        }
        return out;
    }

    private static Map<String, ContainerState> states(ContainerManager manager, ContainerState all) {
        Map<String, ContainerState> out = new TreeMap<>();
        IDS.forEach(id -> out.put(id, all));
        return out;
    }

    private static Map<String, Long> pids(Path containers) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (String id : IDS) {
            out.put(id, Long.parseLong(Files.readString(containers.resolve(id).resolve("pid")).trim()));
        }
        return out;
    }

    private static void assertAlive(Map<String, Long> pids) {
        List<String> dead = new ArrayList<>();
        pids.forEach((id, pid) -> {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                dead.add(id + " (pid " + pid + ")");
            }
        });
        assertTrue("container processes died: " + dead, dead.isEmpty());
    }
}
