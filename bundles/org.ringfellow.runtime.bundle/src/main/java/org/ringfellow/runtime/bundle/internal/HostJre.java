package org.ringfellow.runtime.bundle.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The host's JRE as a container sees it: {@code java.home} at its own path, plus every file
 * outside it that the JVM needs, each bind-mounted read-only at the path the JVM looks for it:
 * the shared libraries {@code ldd} names for the launcher, {@code libjvm} and the core native
 * libraries, and the targets of {@code java.home}'s absolute symbolic links (Debian keeps
 * {@code lib/jvm.cfg} and {@code conf/security} in {@code /etc}).
 *
 * @param javaHome the JRE's directory (its real path)
 * @param files container path to host file, for everything outside {@code java.home}
 */
record HostJre(Path javaHome, Map<String, Path> files) {

    /** The native libraries a headless JVM with NIO and zip loads; others are loaded on demand and not mounted. */
    private static final List<String> NATIVE = List.of("bin/java", "lib/server/libjvm.so", "lib/libjli.so",
            "lib/libjava.so", "lib/libnio.so", "lib/libnet.so", "lib/libzip.so", "lib/libjimage.so",
            "lib/libverify.so", "lib/libextnet.so", "lib/libmanagement.so", "lib/libprefs.so");

    static HostJre discover(Path javaHome) throws IOException {
        Path home = javaHome.toRealPath();
        Map<String, Path> files = new TreeMap<>();
        for (String n : NATIVE) {
            Path p = home.resolve(n);
            if (Files.isRegularFile(p)) {
                for (String lib : ldd(p)) {
                    Path lp = Path.of(lib);
                    if (!lp.normalize().startsWith(home) && Files.exists(lp)) {
                        files.put(lp.normalize().toString(), lp.toRealPath());
                    }
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException("ldd found no shared libraries for " + home.resolve("bin/java"));
        }
        try (Stream<Path> all = Files.walk(home)) {
            for (Path link : (Iterable<Path>) all.filter(Files::isSymbolicLink)::iterator) {
                Path target = Files.readSymbolicLink(link);
                if (target.isAbsolute() && !target.normalize().startsWith(home)
                        && Files.isRegularFile(target)) {
                    files.put(target.normalize().toString(), target.toRealPath());
                }
            }
        }
        return new HostJre(home, Map.copyOf(files));
    }

    /** The absolute paths in {@code ldd}'s answer: {@code name => /path (addr)} and {@code /path (addr)}. */
    private static List<String> ldd(Path binary) throws IOException {
        Process p = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ldd " + binary + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running ldd", e);
        }
        return out.lines().map(String::trim).map(l -> {
            int arrow = l.indexOf("=> ");
            String rest = arrow >= 0 ? l.substring(arrow + 3) : l;
            int sp = rest.indexOf(' ');
            return sp > 0 ? rest.substring(0, sp) : rest;
        }).filter(s -> s.startsWith("/")).toList();
    }

    /** The JRE's launcher, which the image holds a placeholder for. */
    Path java() {
        return javaHome.resolve("bin/java");
    }
}
