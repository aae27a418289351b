package org.ringfellow.container.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver guide, as an outside author would use it: its marked code blocks become a project
 * of their own, built with the wrapper's Maven against the installed artifacts only, and the
 * test kit runs on the driver it makes.
 */
class GuideDriverTest {

    /** A block the guide marks as a file of its example project. */
    private static final Pattern BLOCK = Pattern.compile(
            "<!-- guide-project: (\\S+) -->\\s*\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);

    private static final Path ROOT = Path.of(System.getProperty("guide.root", "../..")).toAbsolutePath().normalize();

    @TempDir
    Path project;

    static Map<String, String> blocks() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/writing-a-driver.md"));
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(guide);
        while (m.find()) {
            files.put(m.group(1), m.group(2) + "\n");
        }
        return files;
    }

    @Test
    void theGuideMarksAPomADriverAndItsTest() throws IOException {
        Map<String, String> files = blocks();
        assertTrue(files.containsKey("pom.xml"), files.keySet().toString());
        assertTrue(files.keySet().stream().anyMatch(f -> f.startsWith("src/main/java/")), files.keySet().toString());
        assertTrue(files.keySet().stream().anyMatch(f -> f.startsWith("src/test/java/")), files.keySet().toString());
        assertTrue(files.values().stream().anyMatch(s -> s.contains("extends ContainerDriverConformance")));
    }

    @Test
    void theGuidesDriverBuildsOutsideTheReactorAndPassesTheKit() throws Exception {
        for (Map.Entry<String, String> f : blocks().entrySet()) {
            Path target = project.resolve(f.getKey()).normalize();
            assertTrue(target.startsWith(project), "a block outside the project: " + f.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue());
        }
        boolean required = Boolean.parseBoolean(System.getProperty("guide.enginesRequired", "false"));
        // offline: an outside project needs nothing the project's own build did not fetch already
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-ntp", "-o",
                "-Dmaven.repo.local=" + System.getProperty("guide.localRepository"),
                "-Dringfellow.engines.required=" + required, "package"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(project.resolve("build.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the guide's build hung");
        String log = Files.readString(project.resolve("build.log"));
        assertEquals(0, p.exitValue(), "the guide's project does not build:\n" + tail(log));

        Path jar;
        try (Stream<Path> s = Files.list(project.resolve("target"))) {
            jar = s.filter(f -> f.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            String manifest = new String(j.getInputStream(j.getEntry("META-INF/MANIFEST.MF")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(manifest.contains("Bundle-SymbolicName"), "not a bundle:\n" + manifest);
            assertTrue(manifest.contains("Service-Component"), "no DS component:\n" + manifest);
        }

        String report;
        try (Stream<Path> s = Files.list(project.resolve("target/surefire-reports"))) {
            Path xml = s.filter(f -> f.getFileName().toString().startsWith("TEST-")).findFirst().orElseThrow();
            report = Files.readString(xml);
        }
        int tests = attribute(report, "tests");
        int skipped = attribute(report, "skipped");
        assertTrue(tests >= 30, "the kit ran " + tests + " tests");
        assertEquals(0, attribute(report, "failures") + attribute(report, "errors"), tail(log));
        if (skipped == tests) {
            // no runc here: the kit skipped the class, which required engines would have failed
            assertFalse(required, tail(log));
            return;
        }
        assertTrue(log.contains("ISOLATION NOT GIVEN: driver tiny does not claim SECCOMP"),
                "the kit did not report the missing seccomp filter:\n" + tail(log));
    }

    private static int attribute(String report, String name) {
        Matcher m = Pattern.compile("<testsuite [^>]*\\b" + name + "=\"(\\d+)\"").matcher(report);
        assertTrue(m.find(), "no " + name + " in the surefire report");
        return Integer.parseInt(m.group(1));
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
