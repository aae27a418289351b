package org.ringfellow.runtime.command.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks an app artifact (a jar: a zip whose manifest carries the app's headers) into a
 * directory, refusing anything that could escape it or fill the disk.
 */
final class AppFiles {

    static final int MAX_ENTRIES = 4096;
    static final long MAX_BYTES = 256L << 20;

    private AppFiles() {
    }

    /** Thrown for an artifact the runtime will not unpack; the message is for the app developer. */
    static final class BadArtifactException extends Exception {
        private static final long serialVersionUID = 1L;

        BadArtifactException(String message) {
            super(message);
        }
    }

    /** The main attributes of the artifact's manifest. */
    static Map<String, String> headers(Path artifact) throws IOException, BadArtifactException {
        try (JarFile jar = new JarFile(artifact.toFile(), false)) {
            if (jar.getManifest() == null) {
                throw new BadArtifactException("the artifact has no manifest");
            }
            Map<String, String> out = new HashMap<>();
            for (Map.Entry<Object, Object> e : jar.getManifest().getMainAttributes().entrySet()) {
                out.put(((Attributes.Name) e.getKey()).toString(), String.valueOf(e.getValue()));
            }
            return out;
        } catch (java.util.zip.ZipException e) {
            throw new BadArtifactException("the artifact is not a jar: " + e.getMessage());
        }
    }

    /**
     * Unpacks every entry below {@code target}: directories 0755, files 0644, the ones named in
     * {@code executables} 0755 (zip keeps no modes), all readable by the container's user.
     */
    static void unpack(Path artifact, Path target, java.util.Set<String> executables)
            throws IOException, BadArtifactException {
        if (Files.exists(target)) {
            // a member prepared again gets exactly the new artifact's files, none left from before
            try (var old = Files.walk(target)) {
                for (Path p : (Iterable<Path>) old.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(target);
        int entries = 0;
        long total = 0;
        byte[] buf = new byte[65536];
        try (InputStream raw = Files.newInputStream(artifact); ZipInputStream zip = new ZipInputStream(raw)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (++entries > MAX_ENTRIES) {
                    throw new BadArtifactException("the artifact has more than " + MAX_ENTRIES + " entries");
                }
                String name = e.getName();
                Path p = target.resolve(name).normalize();
                if (name.startsWith("/") || name.contains("\\") || name.contains("\0") || !p.startsWith(target)
                        || p.equals(target)) {
                    throw new BadArtifactException("the artifact has an entry outside its folder: " + name);
                }
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                    continue;
                }
                Files.createDirectories(p.getParent());
                try (var out = Files.newOutputStream(p)) {
                    for (int n = zip.read(buf); n > 0; n = zip.read(buf)) {
                        total += n;
                        if (total > MAX_BYTES) {
                            throw new BadArtifactException("the artifact unpacks to more than " + (MAX_BYTES >> 20)
                                    + " MiB");
                        }
                        out.write(buf, 0, n);
                    }
                }
                String rel = target.relativize(p).toString();
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        executables.contains(rel) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        } catch (java.util.zip.ZipException e) {
            throw new BadArtifactException("the artifact is not a valid jar: " + e.getMessage());
        }
        try (var dirs = Files.walk(target)) {
            for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    /**
     * The container's root is an unprivileged host user that runc opens bind-mount sources as, so
     * it needs search (not read) permission on the way down to them; data directories are often
     * private (0700).
     */
    static void traversable(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            if ((mode & 0001) == 0) {
                Files.setAttribute(p, "unix:mode", (mode & 07777) | 0001);
            }
        }
    }
}
