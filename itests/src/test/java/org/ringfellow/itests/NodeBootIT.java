package org.ringfellow.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.ringfellow.api.node.NodeService;
import org.ringfellow.api.node.Resources;

/** A freshly booted node: its bundles, node:info, and how it treats a bad configuration. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeBootIT extends RingfellowTestSupport {

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return baseConfig();
    }

    @Test
    public void givenBootedNode_thenEveryBundleOfTheCoreFeatureIsActive() throws Exception {
        FeaturesService features = getOsgiService(FeaturesService.class);
        Feature core = features.getFeature("ringfellow-core");
        assertTrue("ringfellow-core is installed; installed features: " + executeCommand("feature:list -i"),
                features.isInstalled(core));
        List<String> notActive = new ArrayList<>();
        for (var info : core.getBundles()) {
            Bundle b = bundleContext.getBundle(info.getLocation());
            if (b == null || b.getState() != Bundle.ACTIVE) {
                notActive.add(info.getLocation() + (b == null ? " (missing)" : " (state " + b.getState() + ")"));
            }
        }
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
        ServiceComponentRuntime scr = getOsgiService(ServiceComponentRuntime.class);
        Bundle nodeBundle = java.util.Arrays.stream(bundleContext.getBundles())
                .filter(b -> "org.ringfellow.node".equals(b.getSymbolicName())).findFirst().orElseThrow();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(nodeBundle)) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                assertEquals(d.name + " is active", ComponentConfigurationDTO.ACTIVE, c.state);
            }
        }
    }

    @Test
    public void givenBootedNode_whenNodeInfo_thenItPrintsTheNodeIdAndResources() {
        NodeService node = getOsgiService(NodeService.class);
        String out = executeCommand("node:info");
        assertTrue(out, out.contains(node.identity().id().hex()));
        assertTrue(out, out.contains(node.identity().id().shortId()));
        assertTrue(out, out.contains("Contributed"));
        assertTrue(out, out.contains("Configuration : ok"));
    }

    @Test
    public void givenBadConfigValues_whenApplied_thenRefusedClearlyAndLastGoodConfigKept() throws Exception {
        NodeService node = getOsgiService(NodeService.class);
        Configuration cfg = getOsgiService(ConfigurationAdmin.class).getConfiguration("org.ringfellow.node", null);

        update(cfg, "memory", "3g");
        await("memory of 3 GiB applied", () -> node.contributed().memoryBytes() == 3L << 30);
        awaitSavedToFile("memory", "3g");
        Resources good = node.contributed();

        update(cfg, "memory", "-2g");
        await("negative memory refused", () -> executeCommand("node:info").contains("REFUSED"));
        String info = executeCommand("node:info");
        assertTrue(info, info.contains("memory = '-2g' is negative"));
        assertEquals(good, node.contributed());
        // Logging is asynchronous: the line comes shortly after the refusal.
        await("the log says why", () -> nodeLogContains("memory = '-2g' is negative"));
        awaitSavedToFile("memory", "-2g");

        // As an operator would, from the console.
        String set = executeCommand("config:property-set -p org.ringfellow.node memory 4x");
        assertFalse(set, set.contains("ERROR"));
        await("unknown unit refused", () -> executeCommand("node:info").contains("unknown unit 'x'"));
        assertEquals(good, node.contributed());
        await("the log says why", () -> nodeLogContains("memory = '4x' has an unknown unit 'x'"));
        awaitSavedToFile("memory", "4x");

        update(cfg, "memory", "2g");
        await("a good value accepted again", () -> node.contributed().memoryBytes() == 2L << 30);
        assertFalse(executeCommand("node:info").contains("REFUSED"));
    }

    /**
     * Felix File Install writes a configuration that came from an {@code etc} file back to that
     * file, after the update and asynchronously. Until it has, its next poll can find the file
     * older than the configuration and put the file's value back over a newer update (seen once:
     * the refusal of -2g lasted only until File Install restored 3g). So each step waits for
     * the write-back before the next.
     */
    private static void awaitSavedToFile(String key, String value) {
        Path file = Path.of(System.getProperty("karaf.etc"), "org.ringfellow.node.cfg");
        Pattern line = Pattern.compile("(?m)^\\s*" + Pattern.quote(key)
                + "\\s*=\\s*" + Pattern.quote(value) + "\\s*$");
        await(key + " = " + value + " saved to " + file, () -> {
            try {
                return line.matcher(Files.readString(file)).find();
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void update(Configuration cfg, String key, String value) throws Exception {
        Dictionary<String, Object> props = cfg.getProperties() == null ? new Hashtable<>() : cfg.getProperties();
        props.put(key, value);
        cfg.update(props);
    }
}
