package org.ringfellow.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppService;

/** Karaf's deploy folder for apps: what a dropped, changed or removed jar does to the app service. */
class DeployFolderTest {

    @TempDir
    Path dir;

    /** The calls the folder made, in order ("deploy NAME" / "undeploy NAME"), with a gate on deploy. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch deployMayReturn = new CountDownLatch(1);
    private final CountDownLatch undeployed = new CountDownLatch(1);
    private volatile boolean deployFails;

    private AppService apps() {
        return (AppService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AppService.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "deploy" -> {
                            calls.add("deploy " + Path.of((java.net.URI) args[0]).getFileName());
                            deployMayReturn.await(10, TimeUnit.SECONDS);
                            if (deployFails) {
                                throw new AppException("refused");
                            }
                            return null;
                        }
                        case "undeploy" -> {
                            calls.add("undeploy " + args[0]);
                            undeployed.countDown();
                            return null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private File appJar(String file, String name) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (name != null) {
            mf.getMainAttributes().put(new Attributes.Name(AppDescriptor.HEADER_NAME), name);
        }
        Path jar = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.flush();
        }
        return jar.toFile();
    }

    @Test
    void givenAJarWithTheAppHeader_whenAskedIfItHandlesIt_thenYesAndOtherFilesNo() throws IOException {
        DeployFolder folder = new DeployFolder(apps());
        try {
            assertTrue(folder.canHandle(appJar("upper.jar", "upper")));
            assertEquals("upper", DeployFolder.appName(appJar("upper2.jar", " upper ")));
            assertNull(DeployFolder.appName(appJar("bundle.jar", null)), "a plain bundle is left to Karaf");
            Path text = Files.writeString(dir.resolve("notes.txt"), "x");
            assertNull(DeployFolder.appName(text.toFile()));
            Path broken = Files.writeString(dir.resolve("broken.jar"), "not a zip");
            assertNull(DeployFolder.appName(broken.toFile()), "an unreadable jar is not an app");
        } finally {
            folder.deactivate();
        }
    }

    @Test
    void givenADeployStillRunning_whenTheFileIsRemoved_thenTheAppIsUndeployedOnceTheDeployEnds() throws Exception {
        DeployFolder folder = new DeployFolder(apps());
        try {
            File jar = appJar("upper.jar", "upper");
            folder.install(jar);
            // the app can report RUNNING before deploy returns: the file goes meanwhile
            Files.delete(jar.toPath());
            folder.uninstall(jar);
            deployMayReturn.countDown();
            assertTrue(undeployed.await(10, TimeUnit.SECONDS), "undeployed: " + calls);
            assertEquals(List.of("deploy upper.jar", "undeploy upper"), calls);
        } finally {
            folder.deactivate();
        }
    }

    @Test
    void givenADeployThatFailed_whenTheFileIsRemoved_thenNothingIsUndeployed() throws Exception {
        deployFails = true;
        deployMayReturn.countDown();
        DeployFolder folder = new DeployFolder(apps());
        try {
            File jar = appJar("upper.jar", "upper");
            folder.install(jar);
            // the folder's one worker runs in order: once another jar's deploy is called, upper's has failed
            folder.install(appJar("other.jar", "other"));
            awaitCalls(2);
            folder.uninstall(jar);
            // and once a third is called, an undeploy the removal queued would have run
            folder.install(appJar("last.jar", "last"));
            awaitCalls(3);
            assertEquals(List.of("deploy upper.jar", "deploy other.jar", "deploy last.jar"), calls);
        } finally {
            folder.deactivate();
        }
    }

    private void awaitCalls(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
