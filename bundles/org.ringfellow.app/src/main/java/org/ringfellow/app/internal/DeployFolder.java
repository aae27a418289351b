package org.ringfellow.app.internal;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.jar.JarFile;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.app.AppException;
import org.ringfellow.api.app.AppService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karaf's deploy folder for apps: a jar with a {@value AppDescriptor#HEADER_NAME} header
 * dropped into {@code deploy/} is deployed as an app (not installed as a bundle on the node),
 * replaced when the file changes and undeployed when it is removed. Progress and errors go to
 * the node's log. Other files are left to Karaf's other installers.
 */
@Component(service = ArtifactInstaller.class, property = "service.ranking:Integer=100")
public class DeployFolder implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolder.class);

    private final AppService apps;
    private final Map<File, String> deployed = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ringfellow-app-deploy-folder");
        t.setDaemon(true);
        return t;
    });

    @org.osgi.service.component.annotations.Activate
    public DeployFolder(@Reference AppService apps) {
        this.apps = apps;
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
    }

    @Override
    public boolean canHandle(File artifact) {
        return appName(artifact) != null;
    }

    /** The app's name if the file is a jar with the app header, else null. */
    static String appName(File file) {
        if (!file.getName().endsWith(".jar") || !file.isFile()) {
            return null;
        }
        try (JarFile jar = new JarFile(file)) {
            var mf = jar.getManifest();
            String name = mf == null ? null : mf.getMainAttributes().getValue(AppDescriptor.HEADER_NAME);
            return name == null || name.isBlank() ? null : name.trim();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void install(File artifact) {
        String name = appName(artifact);
        if (name == null) {
            return;
        }
        // noted before the deploy runs: a removal of the file while it runs (the app may already
        // report RUNNING before deploy returns) queues its undeploy behind it on the one worker
        deployed.put(artifact, name);
        worker.execute(() -> {
            try {
                LOG.info("Deploy folder: deploying app {} from {}", name, artifact);
                apps.deploy(artifact.toURI(), line -> LOG.info("Deploy folder: {}", line));
            } catch (AppException e) {
                deployed.remove(artifact, name);
                LOG.error("Deploy folder: {} was not deployed: {}", artifact, e.getMessage());
            }
        });
    }

    @Override
    public void update(File artifact) {
        uninstall(artifact);
        install(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        String name = deployed.remove(artifact);
        if (name == null) {
            return;
        }
        worker.execute(() -> {
            try {
                apps.undeploy(name);
                LOG.info("Deploy folder: undeployed app {} ({} was removed)", name, artifact);
            } catch (AppException e) {
                LOG.error("Deploy folder: app {} was not undeployed: {}", name, e.getMessage());
            }
        });
    }
}
