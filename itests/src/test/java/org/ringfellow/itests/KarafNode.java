package org.ringfellow.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Ringfellow node process, unpacked from the built distribution, started with the
 * operator's own scripts ({@code bin/start}, {@code bin/client}, {@code bin/stop}) and always
 * stopped by its PID. The basis of every multi-node test.
 */
public final class KarafNode implements AutoCloseable {

    private static final Duration BOOT = Duration.ofSeconds(180);

    private final Path home;
    private final int sshPort;
    private final List<String> launcher;

    private KarafNode(Path home, int sshPort, List<String> launcher) {
        this.home = home;
        this.sshPort = sshPort;
        this.launcher = List.copyOf(launcher);
    }

    /**
     * The same node, its scripts run inside a network namespace (a host of a multi-host test).
     *
     * @param ns the namespace, from {@link NetworkNamespaces#addHost}
     * @return a node whose start, console and stop run in {@code ns}
     */
    public KarafNode inNamespace(String ns) {
        return new KarafNode(home, sshPort, NetworkNamespaces.exec(ns));
    }

    /**
     * Unpacks a fresh node into {@code itests.work/name}, its SSH console on a free loopback port.
     *
     * @param name a directory name for the node
     * @return the node, not started
     */
    public static KarafNode unpack(String name) throws IOException, InterruptedException {
        Path work = Path.of(System.getProperty("itests.work", "target/nodes")).toAbsolutePath();
        Path dir = work.resolve(name);
        deleteTree(dir);
        Files.createDirectories(dir);
        Path tarball = Path.of(System.getProperty("ringfellow.distribution"));
        run(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString(), "--strip-components=1"), dir, Map.of());
        KarafNode node = new KarafNode(dir, freePort(), List.of());
        node.setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(node.sshPort));
        // Several nodes on one host must not all take the fellowship channel's default port.
        node.setProperty("etc/org.ringfellow.fellowship.cfg", "channelPort", Integer.toString(freePort()));
        return node;
    }

    /** The node's home directory. */
    public Path home() {
        return home;
    }

    /**
     * Sets a {@code key = value} line in a cfg file of the node, replacing an existing one.
     *
     * @param file the file, relative to the node's home
     * @param key the key
     * @param value the value
     */
    public void setProperty(String file, String key, String value) throws IOException {
        Path p = home.resolve(file);
        List<String> lines = Files.exists(p) ? new ArrayList<>(Files.readAllLines(p)) : new ArrayList<>();
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (l.startsWith(key + " ") || l.startsWith(key + "=")) {
                lines.set(i, key + " = " + value);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(key + " = " + value);
        }
        Files.write(p, lines);
    }

    /** Starts the node with {@code bin/start} and waits until its console answers {@code node:info}. */
    public void start() throws IOException, InterruptedException {
        start(Map.of());
    }

    /**
     * Starts the node with {@code bin/start} and waits until its console answers.
     *
     * @param env variables added to the environment of {@code bin/start}, as an operator's shell sets them
     */
    public void start(Map<String, String> env) throws IOException, InterruptedException {
        run(command(home.resolve("bin/start").toString()), home, env);
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (System.nanoTime() < deadline) {
            if (pid().isPresent() && console("node:info").contains("Node id")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("node " + home + " did not answer node:info within " + BOOT + "; log:\n" + logTail());
    }

    /**
     * How many members {@code ring:find <query>} on this node lists as ALIVE (the table's id and
     * state columns), or -1 if the console did not answer.
     *
     * @param query the resource query, e.g. {@code driver=runc runtime=bundle}
     */
    public int aliveFound(String query) {
        try {
            int count = 0;
            for (String line : console("ring:find " + query).split("\\R")) {
                String[] cols = line.trim().split("[\\s|]+");
                if (cols.length >= 4 && cols[0].matches("[0-9a-f]{12}") && cols[3].equals("ALIVE")) {
                    count++;
                }
            }
            return count;
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Runs console commands through {@code bin/client} in batch mode, as the local operator does.
     *
     * @param commands command lines
     * @return what they printed
     */
    public String console(String... commands) throws IOException, InterruptedException {
        return console(true, commands);
    }

    /**
     * Runs console commands through {@code bin/client} as an operator whose shell may not set
     * {@code JAVA_HOME} (only {@code PATH} names java).
     *
     * @param withJavaHome whether to set {@code JAVA_HOME} to the test's JDK
     * @param commands command lines
     * @return what they printed, standard error included
     */
    public String console(boolean withJavaHome, String... commands) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(home.resolve("bin/client").toString(), "-r", "1", "-b"))
                .directory(home.toFile()).redirectErrorStream(true);
        if (withJavaHome) {
            pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        } else {
            pb.environment().remove("JAVA_HOME");
            pb.environment().remove("JAVA");
            pb.environment().put("PATH", System.getProperty("java.home") + "/bin:" + pb.environment().get("PATH"));
        }
        Process p = pb.start();
        p.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = readAll(p.getInputStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    /** The PID of the node's JVM, from the pid file Karaf writes while it runs. */
    public Optional<Long> pid() throws IOException {
        Path pidFile = home.resolve("karaf.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String text = Files.readString(pidFile).trim();
        // Karaf may leave the pid file behind: only a live process counts.
        return text.matches("\\d+") && ProcessHandle.of(Long.parseLong(text)).map(ProcessHandle::isAlive).orElse(false)
                ? Optional.of(Long.parseLong(text)) : Optional.empty();
    }

    /** Kills the node's JVM with SIGKILL, as a crash would. */
    public void kill9() throws IOException, InterruptedException {
        Optional<Long> pid = pid();
        if (pid.isPresent()) {
            run(List.of("kill", "-9", Long.toString(pid.get())), home, Map.of());
            awaitExit(pid.get(), Duration.ofSeconds(30));
        }
    }

    /** Stops the node with {@code bin/stop}, then by its PID if it is still there. */
    public void stop() throws IOException, InterruptedException {
        Optional<Long> pid = pid();
        if (pid.isEmpty()) {
            return;
        }
        run(command(home.resolve("bin/stop").toString()), home, Map.of());
        if (!awaitExit(pid.get(), Duration.ofSeconds(30))) {
            ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroyForcibly);
            awaitExit(pid.get(), Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** The last lines of the node's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(home.resolve("data/log/karaf.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static boolean awaitExit(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static void run(List<String> command, Path dir, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = readAll(p.getInputStream());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(command + " failed: " + out);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
