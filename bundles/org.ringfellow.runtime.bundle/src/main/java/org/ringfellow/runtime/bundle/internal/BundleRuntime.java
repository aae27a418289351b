package org.ringfellow.runtime.bundle.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.ringfellow.api.app.AppDescriptor;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.container.Mount;
import org.ringfellow.api.runtime.ApplicationRuntime;
import org.ringfellow.api.runtime.BridgeTransport;
import org.ringfellow.api.runtime.RuntimeLaunch;
import org.ringfellow.api.runtime.RuntimePlan;

/**
 * Runs an app bundle in a container: the host's JRE mounted read-only, a small launcher (Felix,
 * the app API, the bridge client) from an image this runtime makes, the app bundle mounted
 * read-only, a private {@code /tmp}, no network. The launcher connects to the bridge's
 * {@link BridgeTransport#UNIX_SOCKET}, starts the app bundle, instantiates the class its
 * {@value AppDescriptor#HEADER_ENTRY} names and feeds it events.
 *
 * <p>The image holds the launcher's jars and empty files and directories where the JRE and its
 * libraries are mounted (the runc driver cannot create mount points in an image it shares between
 * containers). It depends on this host's JRE layout, so it is made here, on first use, and
 * imported as {@value #IMAGE}; the same host and runtime make the same bytes, hence the same digest.
 */
@Component(service = ApplicationRuntime.class, property = ApplicationRuntime.TYPE_PROPERTY + "="
        + BundleRuntime.TYPE)
public final class BundleRuntime implements ApplicationRuntime {

    static final String TYPE = "bundle";
    static final String IMAGE = "ringfellow-runtime-bundle";
    static final String LIB_DIR = "/opt/ringfellow/lib";
    static final String APP_DIR = "/opt/ringfellow/app";
    static final String APP_JAR = "app.jar";
    static final String BRIDGE_DIR = "/run";
    /** The launcher's class path, in order; copied into this bundle at build time. */
    static final List<String> LAUNCHER_JARS = List.of("org.ringfellow.runtime.bundle.launcher.jar",
            "org.ringfellow.app.bridge.jar", "org.ringfellow.api.jar", "jackson-core.jar",
            "org.apache.felix.framework.jar");
    static final String MAIN = "org.ringfellow.runtime.bundle.launcher.Main";
    /** A JVM with Felix and a small app fits; below this it fails in ways an app developer cannot read. */
    static final long MIN_MEMORY = 96L << 20;
    static final int MIN_PIDS = 32;
    static final long TMP_BYTES = 64L << 20;
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    private final ImageStore images;
    private final Path javaHome;
    private HostJre jre;
    private String imageDigest;

    /**
     * Creates the runtime on the JRE the node runs on.
     *
     * @param images the node's images
     */
    @Activate
    public BundleRuntime(@Reference ImageStore images) {
        this(images, Path.of(System.getProperty("java.home")));
    }

    BundleRuntime(ImageStore images, Path javaHome) {
        this.images = images;
        this.javaHome = javaHome;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void check(AppDescriptor app) throws DriverException {
        if (!TYPE.equals(app.runtime())) {
            throw new DriverException(Kind.INVALID_SPEC, "app " + app.name() + " asks for runtime " + app.runtime()
                    + ", not " + TYPE);
        }
        if (!CLASS_NAME.matcher(app.entry()).matches()) {
            throw new DriverException(Kind.INVALID_SPEC, AppDescriptor.HEADER_ENTRY + " of app " + app.name()
                    + " must name its App class, such as org.example.MyApp; got '" + app.entry() + "'");
        }
        if (app.perMember().memoryBytes() < MIN_MEMORY || app.perMember().pids() < MIN_PIDS) {
            throw new DriverException(Kind.INVALID_SPEC, "app " + app.name() + " runs in a JVM, which needs at least "
                    + (MIN_MEMORY >> 20) + " MiB and " + MIN_PIDS + " processes per member; ask for them in "
                    + AppDescriptor.HEADER_RESOURCES + ", such as memory=128m, pids=64");
        }
    }

    @Override
    public RuntimePlan prepare(RuntimeLaunch launch) throws DriverException {
        AppDescriptor app = launch.app();
        check(app);
        HostJre host;
        String digest;
        Path appDir = launch.workDirectory().resolve("app");
        try {
            checkBundle(launch.artifact(), app);
            host = jre();
            digest = image(host);
            Files.createDirectories(appDir);
            Path jar = appDir.resolve(APP_JAR);
            Files.copy(launch.artifact(), jar, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(appDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(launch.bridgeDirectory(), PosixFilePermissions.fromString("rwxr-xr-x"));
            traversable(appDir);
            traversable(launch.bridgeDirectory());
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot prepare app " + app.name() + ": " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>(List.of(host.java().toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xss512k",
                "-XX:MaxRAMPercentage=50", "-Djava.io.tmpdir=/tmp", "-cp",
                String.join(":", LAUNCHER_JARS.stream().map(j -> LIB_DIR + "/" + j).toList()), MAIN));
        ContainerSpec.Builder spec = ContainerSpec.builder(launch.containerName(), digest, command)
                .env("RINGFELLOW_APP", app.name())
                .env("RINGFELLOW_BRIDGE", BRIDGE_DIR)
                .env("RINGFELLOW_APP_JAR", APP_DIR + "/" + APP_JAR)
                .env("RINGFELLOW_APP_ENTRY", app.entry())
                .env("RINGFELLOW_STORAGE", "/tmp/felix")
                .workingDir("/tmp")
                .limits(app.perMember())
                .mount(Mount.bindReadOnly(host.javaHome().toString(), host.javaHome().toString()))
                .mount(Mount.bindReadOnly(appDir.toAbsolutePath().toString(), APP_DIR))
                .mount(Mount.bindReadOnly(launch.bridgeDirectory().toAbsolutePath().toString(), BRIDGE_DIR))
                .mount(Mount.tmpfs("/tmp", TMP_BYTES))
                .label("ringfellow.app", app.name())
                .label("ringfellow.runtime", TYPE)
                .stopGrace(Duration.ofSeconds(10));
        host.files().forEach((target, source) -> spec.mount(Mount.bindReadOnly(source.toString(), target)));
        return new RuntimePlan(spec.build(), BridgeTransport.UNIX_SOCKET);
    }

    /** Refuses what is not an OSGi bundle, or does not hold its entry class, before a container starts. */
    private static void checkBundle(Path artifact, AppDescriptor app) throws DriverException, IOException {
        try (JarFile jar = new JarFile(artifact.toFile())) {
            Manifest mf = jar.getManifest();
            if (mf == null || mf.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                throw new DriverException(Kind.INVALID_SPEC, "app " + app.name() + " is not an OSGi bundle "
                        + "(no Bundle-SymbolicName in its manifest)");
            }
            boolean embedded = mf.getMainAttributes().getValue("Bundle-ClassPath") != null;
            if (!embedded && jar.getEntry(app.entry().replace('.', '/') + ".class") == null) {
                throw new DriverException(Kind.INVALID_SPEC, "the class " + app.entry() + " named by "
                        + AppDescriptor.HEADER_ENTRY + " is not in the bundle of app " + app.name());
            }
        } catch (java.util.zip.ZipException e) {
            throw new DriverException(Kind.INVALID_SPEC, "app " + app.name() + " is not a jar: " + e.getMessage(), e);
        }
    }

    private synchronized HostJre jre() throws IOException {
        if (jre == null) {
            jre = HostJre.discover(javaHome);
        }
        return jre;
    }

    /** Makes (once) and imports the launcher image; again if someone removed it. */
    private synchronized String image(HostJre host) throws IOException, DriverException {
        if (imageDigest != null && images.find(imageDigest).isPresent()) {
            return imageDigest;
        }
        Path tar = Files.createTempFile("ringfellow-runtime-bundle", ".tar");
        try {
            try (OutputStream out = Files.newOutputStream(tar)) {
                writeImage(host, out);
            }
            Image image = images.importArchive(IMAGE, tar);
            imageDigest = image.digest();
            return imageDigest;
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    void writeImage(HostJre host, OutputStream out) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        Map<String, Integer> dirs = new TreeMap<>();
        for (String d : List.of("proc", "dev", "sys", "etc", "run", "root", "opt/ringfellow/lib", "opt/ringfellow/app")) {
            addDirs(dirs, d);
        }
        dirs.put("tmp", 01777);
        for (String jar : LAUNCHER_JARS) {
            try (InputStream in = BundleRuntime.class.getResourceAsStream("/launcher/" + jar)) {
                if (in == null) {
                    throw new IOException("the runtime bundle lacks its launcher jar " + jar);
                }
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                files.put(LIB_DIR.substring(1) + "/" + jar, buf.toByteArray());
            }
        }
        files.put("etc/passwd", "root:x:0:0:root:/root:/bin/false\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        files.put("etc/group", "root:x:0:\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // mount points: java.home (with its launcher, so the driver sees the program exists) and each file outside it
        String home = host.javaHome().toString().substring(1);
        addDirs(dirs, home + "/bin");
        files.put(home + "/bin/java", new byte[0]);
        for (String target : host.files().keySet()) {
            String rel = target.substring(1);
            addDirs(dirs, rel.substring(0, rel.lastIndexOf('/')));
            files.put(rel, new byte[0]);
        }
        try (TarWriter tar = new TarWriter(out)) {
            for (Map.Entry<String, Integer> d : dirs.entrySet()) {
                tar.directory(d.getKey(), d.getValue());
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                tar.file(f.getKey(), f.getKey().endsWith("/bin/java") ? 0755 : 0644, f.getValue());
            }
        }
    }

    private static void addDirs(Map<String, Integer> dirs, String path) {
        String p = path;
        while (!p.isEmpty()) {
            dirs.putIfAbsent(p, 0755);
            int slash = p.lastIndexOf('/');
            p = slash < 0 ? "" : p.substring(0, slash);
        }
    }

    /**
     * The container's root is an unprivileged host user that runc opens bind-mount sources as, so
     * it needs search (not read) permission on the way down to them.
     */
    private static void traversable(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            if ((mode & 0001) == 0) {
                Files.setAttribute(p, "unix:mode", (mode & 07777) | 0001);
            }
        }
    }
}
