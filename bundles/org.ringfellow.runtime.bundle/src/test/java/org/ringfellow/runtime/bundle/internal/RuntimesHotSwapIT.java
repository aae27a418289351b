package org.ringfellow.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Both runtimes in a real OSGi framework (Felix with SCR, as in Karaf): each registers an
 * {@code ApplicationRuntime} with its type property once an image store is there, and its service
 * goes and comes with its bundle, which is what a whiteboard consumer (the deployment engine) sees
 * on {@code feature:uninstall} / {@code feature:install}.
 */
class RuntimesHotSwapIT {

    static final Path BUNDLES = Path.of("target", "test-bundles");
    static final String RUNTIME = "org.ringfellow.api.runtime.ApplicationRuntime";

    @TempDir
    Path dir;
    Framework framework;

    @AfterEach
    void stop() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    private Bundle install(BundleContext ctx, Path jar) throws Exception {
        return ctx.installBundle(jar.toUri().toString());
    }

    private Set<String> runtimeTypes(BundleContext ctx) throws Exception {
        Set<String> types = new TreeSet<>();
        ServiceReference<?>[] refs = ctx.getAllServiceReferences(RUNTIME, null);
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                types.add(String.valueOf(r.getProperty("ringfellow.runtime.type")));
            }
        }
        return types;
    }

    private Set<String> awaitTypes(BundleContext ctx, Set<String> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Set<String> now = runtimeTypes(ctx);
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = runtimeTypes(ctx);
        }
        return now;
    }

    /**
     * The bundle runtime, as SCR made it, prepares a launch: it reads its launcher jars from its own
     * bundle and writes them into the image it imports.
     */
    private void preparesInsideOsgi(BundleContext ctx, Bundle api,
            java.util.concurrent.atomic.AtomicReference<byte[]> imported) throws Exception {
        ServiceReference<?> ref = java.util.Arrays.stream(ctx.getAllServiceReferences(RUNTIME, null))
                .filter(r -> "bundle".equals(r.getProperty("ringfellow.runtime.type"))).findFirst().orElseThrow();
        Object runtime = ctx.getService(ref);
        Class<?> limits = api.loadClass("org.ringfellow.api.container.ResourceLimits");
        Class<?> descriptor = api.loadClass("org.ringfellow.api.app.AppDescriptor");
        Class<?> launch = api.loadClass("org.ringfellow.api.runtime.RuntimeLaunch");
        Object app = descriptor.getConstructors()[0].newInstance("echo", "1", 1,
                limits.getConstructor(long.class, long.class, int.class).newInstance(1000L, 256L << 20, 128),
                "bundle", "org.ringfellow.runtime.bundle.testapp.internal.EchoApp", Map.of());
        Path member = java.nio.file.Files.createDirectories(dir.resolve("member"));
        Object l = launch.getConstructors()[0].newInstance(app,
                Path.of("target", "test-apps", "org.ringfellow.runtime.bundle.testapp.jar").toAbsolutePath(),
                java.nio.file.Files.createDirectory(member.resolve("bridge")),
                java.nio.file.Files.createDirectory(member.resolve("work")), "echo-1");
        Object plan = runtime.getClass().getMethod("prepare", launch).invoke(runtime, l);
        Object spec = plan.getClass().getMethod("container").invoke(plan);
        List<?> command = (List<?>) spec.getClass().getMethod("command").invoke(spec);
        assertTrue(command.contains("org.ringfellow.runtime.bundle.launcher.Main"), command.toString());
        String tar = new String(imported.get(), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String jar : BundleRuntime.LAUNCHER_JARS) {
            assertTrue(tar.contains("opt/ringfellow/lib/" + jar), jar + " is not in the image");
        }
        ctx.ungetService(ref);
    }

    @Test
    void givenBothRuntimeBundles_whenOneIsStoppedAndStartedAgain_thenItsServiceGoesAndComesBack() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        framework.start();
        BundleContext ctx = framework.getBundleContext();
        for (String jar : List.of("org.osgi.util.function.jar", "org.osgi.util.promise.jar",
                "org.osgi.service.component.jar", "org.apache.felix.scr.jar")) {
            install(ctx, BUNDLES.resolve(jar));
        }
        Bundle api = install(ctx, BUNDLES.resolve("org.ringfellow.api.jar"));
        Bundle command = install(ctx, BUNDLES.resolve("org.ringfellow.runtime.command.jar"));
        Bundle runtime = install(ctx, Path.of(System.getProperty("runtime.bundle.jar")));
        for (Bundle b : ctx.getBundles()) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null && b.getBundleId() != 0) {
                b.start();
            }
        }
        // the runtimes need the node's image store: a stand-in made from the API bundle's own interface
        Class<?> imageStore = api.loadClass("org.ringfellow.api.container.ImageStore");
        Class<?> image = api.loadClass("org.ringfellow.api.container.Image");
        java.util.concurrent.atomic.AtomicReference<byte[]> imported = new java.util.concurrent.atomic.AtomicReference<>();
        Object store = Proxy.newProxyInstance(imageStore.getClassLoader(), new Class<?>[] {imageStore},
                (proxy, method, args) -> switch (method.getName()) {
                    case "find" -> java.util.Optional.empty();
                    case "importArchive" -> {
                        imported.set(java.nio.file.Files.readAllBytes((Path) args[1]));
                        yield image.getConstructors()[0].newInstance(args[0], "sha256:" + "ab".repeat(32),
                                (long) imported.get().length, java.time.Instant.now());
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        assertEquals(Set.of(), runtimeTypes(ctx), "no runtime without an image store");
        ctx.registerService(imageStore.getName(), store, null);

        assertEquals(Set.of("bundle", "command"), awaitTypes(ctx, Set.of("bundle", "command")));
        preparesInsideOsgi(ctx, api, imported);
        command.stop();
        assertEquals(Set.of("bundle"), awaitTypes(ctx, Set.of("bundle")));
        command.start();
        assertEquals(Set.of("bundle", "command"), awaitTypes(ctx, Set.of("bundle", "command")));
        runtime.uninstall();
        assertEquals(Set.of("command"), awaitTypes(ctx, Set.of("command")));
        assertTrue(command.getState() == Bundle.ACTIVE);
    }
}
