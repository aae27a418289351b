package org.ringfellow.bench.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decoder under coverage-guided fuzzing (Jazzer, in a JVM of its own), a short run per
 * decoder in the build ({@code fuzz.runs} inputs); and every input that once broke a decoder,
 * kept under {@code src/test/resources/regressions/<target>/}, fed to it again with the seeds
 * ({@code src/test/resources/seeds/<target>/}: valid inputs the fuzzer starts from).
 */
class DecoderFuzzTest {

    static Stream<Class<?>> targets() {
        return Targets.ALL.stream();
    }

    @ParameterizedTest
    @MethodSource("targets")
    void givenMutatedInputs_whenDecoded_thenOnlyTheDecodersOwnRefusal(Class<?> target) throws Exception {
        int runs = Integer.getInteger("fuzz.runs", 30_000);
        Path work = Path.of(System.getProperty("fuzz.work", "target/fuzz")).resolve(target.getSimpleName());
        Path corpus = work.resolve("corpus");
        Files.createDirectories(corpus);
        String classpath = System.getProperty("fuzz.classes", "target/classes") + ":"
                + Files.readString(Path.of(System.getProperty("fuzz.classpath.file", "target/classpath.txt"))).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + target.getName(), "--instrumentation_includes=org.ringfellow.**",
                "-runs=" + runs, "-seed=1", "-max_len=4096", "-artifact_prefix=" + work + "/", "--reproducer_path=" + work, corpus.toString()));
        Path seeds = Path.of("src/test/resources/seeds", target.getSimpleName()).toAbsolutePath();
        if (Files.isDirectory(seeds)) {
            cmd.add(seeds.toString()); // read as inputs, never written: new finds go to the corpus
        }
        Path log = work.resolve("jazzer.log");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("Jazzer did not end within 10 minutes; see " + log);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "a finding for " + target.getSimpleName()
                + " (the input is in " + work + "; add it to src/test/resources/regressions):\n" + tail(out));
        assertTrue(out.contains("Done " + runs + " runs") || out.contains("Done " + (runs + 1) + " runs"),
                () -> "Jazzer ran fewer inputs than asked:\n" + tail(out));
    }

    @ParameterizedTest
    @MethodSource("targets")
    void givenInputsThatOnceBrokeADecoder_whenDecodedAgain_thenRefusedOrDecoded(Class<?> target) throws Exception {
        List<Path> inputs = new ArrayList<>();
        for (String kind : List.of("regressions", "seeds")) {
            Path dir = Path.of("src/test/resources", kind, target.getSimpleName());
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(Files::isRegularFile).sorted().forEach(inputs::add);
                }
            }
        }
        var method = target.getMethod("fuzzerTestOneInput", byte[].class);
        // the empty input and a few shapes every decoder must refuse cleanly, beside the findings
        List<byte[]> all = new ArrayList<>(List.of(new byte[0], new byte[] {0}, new byte[] {-1, -1, -1, -1},
                new byte[4096]));
        for (Path in : inputs) {
            all.add(read(in));
        }
        for (byte[] data : all) {
            try {
                method.invoke(null, (Object) data);
            } catch (InvocationTargetException e) {
                throw new AssertionError(target.getSimpleName() + " broke on " + data.length + " bytes", e.getCause());
            }
        }
    }

    private static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    private static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }
}
