package org.ringfellow.runtime.bundle.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.ringfellow.api.app.App;
import org.ringfellow.api.runtime.BridgeTransport;
import org.ringfellow.app.bridge.BridgeClient;
import org.ringfellow.app.bridge.BridgeCommand;
import org.ringfellow.app.bridge.BridgeLimits;

/**
 * The container's program: {@code java -cp <launcher jars> ...Main}. Configured by environment:
 * {@code RINGFELLOW_BRIDGE} (the bridge directory), {@code RINGFELLOW_APP_JAR} (the app bundle),
 * {@code RINGFELLOW_APP_ENTRY} (its {@link App} class), {@code RINGFELLOW_STORAGE} (a writable
 * directory for the framework's cache).
 *
 * <p>The app API is on this class path and exported by the framework's system bundle
 * ({@code org.osgi.framework.system.packages.extra}), so the app bundle and this launcher share one
 * {@link App} class and the launcher calls the app without reflection. Nothing else of the node is
 * there to import.
 *
 * <p>Exit codes: 0 after a stop, 2 for an app that cannot be loaded (the reason is on stderr, which
 * is the container's log, and sent as a log line over the bridge), 3 if the bridge is unreachable.
 */
public final class Main {

    /** The API packages app code may import. */
    static final List<String> VISIBLE_PACKAGES = List.of("org.ringfellow.api.app", "org.ringfellow.api.container");

    private Main() {
    }

    /**
     * Runs the app until it is stopped or its node closes the bridge.
     *
     * @param args unused
     * @throws Exception never on purpose: failures end the process with an exit code
     */
    public static void main(String[] args) throws Exception {
        Path bridgeDir = Path.of(env("RINGFELLOW_BRIDGE"));
        Path appJar = Path.of(env("RINGFELLOW_APP_JAR"));
        String entry = env("RINGFELLOW_APP_ENTRY");
        Path storage = Path.of(System.getenv().getOrDefault("RINGFELLOW_STORAGE", "/tmp/felix"));

        BridgeClient client = connect(bridgeDir.resolve(BridgeTransport.SOCKET_FILE));
        Framework framework = null;
        App app;
        try {
            framework = framework(storage);
            app = load(framework, appJar, entry);
        } catch (Exception e) {
            String why = "the app cannot be loaded: " + e;
            System.err.println("ringfellow launcher: " + why);
            e.printStackTrace();
            try {
                client.send(new BridgeCommand.Log(why.length() > 4000 ? why.substring(0, 4000) : why));
            } catch (IOException | RuntimeException ignored) {
                // the log line is a courtesy; the exit code and stderr carry the failure
            }
            stop(framework);
            System.exit(2);
            return;
        }
        new AppHost(app, client).run();
        client.close();
        stop(framework);
        System.exit(0);
    }

    /** The node opens the bridge before it starts the container; a short wait covers a slow node all the same. */
    private static BridgeClient connect(Path socket) throws InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return BridgeClient.connect(socket, BridgeLimits.DEFAULTS);
            } catch (IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        System.err.println("ringfellow launcher: cannot reach the node's bridge at " + socket + ": " + last);
        System.exit(3);
        throw new IllegalStateException("unreachable");
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            System.err.println("ringfellow launcher: environment variable " + name + " is not set");
            System.exit(2);
        }
        return v;
    }

    static Framework framework(Path storage) throws BundleException, IOException, URISyntaxException {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, apiExports());
        config.put("felix.log.level", "1");
        Iterator<FrameworkFactory> factories = ServiceLoader.load(FrameworkFactory.class).iterator();
        if (!factories.hasNext()) {
            throw new IllegalStateException("no OSGi framework on the class path");
        }
        Framework fw = factories.next().newFramework(config);
        fw.init();
        fw.start();
        return fw;
    }

    /** The app API's packages with the versions its own manifest exports them at. */
    static String apiExports() throws IOException, URISyntaxException {
        Path apiJar = Path.of(App.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String header;
        try (JarFile jar = new JarFile(apiJar.toFile())) {
            header = jar.getManifest().getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
        }
        List<String> out = new ArrayList<>();
        for (String clause : clauses(header == null ? "" : header)) {
            String[] parts = clause.split(";");
            String pkg = parts[0].trim();
            if (!VISIBLE_PACKAGES.contains(pkg)) {
                continue;
            }
            String version = "0.0.0";
            for (String p : parts) {
                String t = p.trim();
                if (t.startsWith("version=")) {
                    version = t.substring("version=".length()).replace("\"", "");
                }
            }
            out.add(pkg + ";version=\"" + version + "\"");
        }
        if (out.size() != VISIBLE_PACKAGES.size()) {
            throw new IllegalStateException("the app API jar " + apiJar + " does not export " + VISIBLE_PACKAGES);
        }
        return String.join(",", out);
    }

    /** Splits a manifest header at the commas that are not inside quotes. */
    static List<String> clauses(String header) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    static App load(Framework framework, Path appJar, String entry) throws Exception {
        Bundle bundle = framework.getBundleContext().installBundle("reference:" + appJar.toUri());
        bundle.start();
        Class<?> type = bundle.loadClass(entry);
        if (!App.class.isAssignableFrom(type)) {
            throw new IllegalStateException(entry + " does not implement " + App.class.getName()
                    + " (or imports it from elsewhere than the app API)");
        }
        return (App) type.getConstructor().newInstance();
    }

    private static void stop(Framework framework) {
        if (framework == null) {
            return;
        }
        try {
            framework.stop();
            framework.waitForStop(10_000);
        } catch (Exception e) {
            System.err.println("ringfellow launcher: the framework did not stop cleanly: " + e);
        }
    }
}
