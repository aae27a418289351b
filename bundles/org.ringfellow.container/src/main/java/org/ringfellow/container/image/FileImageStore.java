package org.ringfellow.container.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;
import org.ringfellow.api.node.NodeService;

/**
 * Images as files under {@code <data dir>/images}: {@code blobs/<hex>.tar} named by the
 * SHA-256 of the archive, {@code rootfs/<hex>/} unpacked once and shared read-only, and
 * {@code index.json} mapping names to digests. Everything is written to a temporary name and
 * renamed, so a crash leaves either the old or the new state.
 */
@Component(service = ImageStore.class)
public final class FileImageStore implements ImageStore {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern DIGEST = Pattern.compile("sha256:([0-9a-f]{64})");
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    /** One line of the index. */
    public record IndexEntry(String name, String digest, long sizeBytes, long createdAtMillis) {
    }

    private final Path dir;
    private final Path busybox;
    private final ObjectMapper json = new ObjectMapper();
    private final TreeMap<String, Image> byName = new TreeMap<>();
    private volatile Function<String, Optional<String>> usage = digest -> Optional.empty();

    /**
     * Opens the store in the node's data directory.
     *
     * @param node the local node
     */
    @Activate
    public FileImageStore(@Reference NodeService node) {
        this(node.dataDirectory().resolve("images"), BUSYBOX);
    }

    /**
     * Opens a store in a directory, for tests and tools outside OSGi.
     *
     * @param dir the store's directory, created if needed
     * @param busybox the busybox-static binary the base image is made from
     */
    public FileImageStore(Path dir, Path busybox) {
        this.dir = dir;
        this.busybox = busybox;
        try {
            Files.createDirectories(dir.resolve("blobs"));
            Files.createDirectories(dir.resolve("rootfs"));
            Files.createDirectories(dir.resolve("tmp"));
            clean(dir.resolve("tmp"));
            Path index = dir.resolve("index.json");
            if (Files.exists(index)) {
                List<IndexEntry> entries = json.readValue(index.toFile(), new TypeReference<List<IndexEntry>>() { });
                for (IndexEntry e : entries) {
                    byName.put(e.name(), new Image(e.name(), e.digest(), e.sizeBytes(),
                            Instant.ofEpochMilli(e.createdAtMillis())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the image store in " + dir, e);
        }
    }

    /**
     * Lets the container manager veto removing an image that a container still uses.
     *
     * @param check returns the id of a container using a digest, or empty
     */
    public void usage(Function<String, Optional<String>> check) {
        this.usage = check;
    }

    @Override
    public synchronized List<Image> list() {
        if (!byName.containsKey(BASE) && BaseImage.problem(busybox) == null) {
            try {
                base();
            } catch (DriverException e) {
                // listing still works without the base image; base() reports why to whoever asks for it
            }
        }
        return List.copyOf(byName.values());
    }

    @Override
    public synchronized Optional<Image> find(String nameOrDigest) {
        Matcher m = new Matcher(nameOrDigest);
        if (m.digest != null) {
            return byName.values().stream().filter(i -> i.digest().equals(nameOrDigest)).findFirst();
        }
        Image image = byName.get(nameOrDigest);
        if (image == null && BASE.equals(nameOrDigest)) {
            try {
                return Optional.of(base());
            } catch (DriverException e) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(image);
    }

    @Override
    public synchronized Image base() throws DriverException {
        Image existing = byName.get(BASE);
        if (existing != null) {
            return existing;
        }
        String problem = BaseImage.problem(busybox);
        if (problem != null) {
            throw new DriverException(Kind.ENGINE_UNAVAILABLE, "cannot make the base image: " + problem);
        }
        Path tmp = dir.resolve("tmp").resolve("base-" + UUID.randomUUID() + ".tar");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                BaseImage.write(busybox, out);
            }
            return importArchive(BASE, tmp);
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot make the base image from " + busybox + ": " + e.getMessage(),
                    e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public synchronized Image importArchive(String name, Path archive) throws DriverException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new DriverException(Kind.INVALID_SPEC,
                    "image name must be 1-64 of [a-z0-9._-], starting alphanumeric: '" + name + "'");
        }
        if (!Files.isRegularFile(archive)) {
            throw new DriverException(Kind.INVALID_SPEC, "no such archive file: " + archive);
        }
        Path tmpBlob = dir.resolve("tmp").resolve(UUID.randomUUID() + ".tar");
        Path tmpRoot = dir.resolve("tmp").resolve(UUID.randomUUID() + ".rootfs");
        try {
            MessageDigest sha = sha256();
            long size;
            try (InputStream in = Files.newInputStream(archive);
                    OutputStream out = new DigestOutputStream(Files.newOutputStream(tmpBlob), sha)) {
                size = in.transferTo(out);
            }
            String hex = HexFormat.of().formatHex(sha.digest());
            String digest = "sha256:" + hex;
            Path blob = dir.resolve("blobs").resolve(hex + ".tar");
            Path rootfs = dir.resolve("rootfs").resolve(hex);
            if (!Files.isDirectory(rootfs)) {
                try (InputStream in = Files.newInputStream(tmpBlob)) {
                    Unpacker.unpack(in, tmpRoot);
                } catch (Unpacker.BadArchiveException e) {
                    throw new DriverException(Kind.INVALID_SPEC, "refused archive " + archive + ": " + e.getMessage(),
                            e);
                } catch (IOException e) {
                    throw new DriverException(Kind.INVALID_SPEC, "cannot unpack archive " + archive + ": "
                            + e.getMessage(), e);
                }
                move(tmpRoot, rootfs);
            }
            if (!Files.exists(blob)) {
                move(tmpBlob, blob);
            }
            Image old = byName.get(name);
            Image image = new Image(name, digest, size,
                    old != null && old.digest().equals(digest) ? old.createdAt()
                            : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            byName.put(name, image);
            writeIndex();
            if (old != null && !old.digest().equals(digest)) {
                dropIfUnreferenced(old.digest());
            }
            return image;
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot import " + archive + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmpBlob);
            deleteTree(tmpRoot);
        }
    }

    @Override
    public synchronized boolean remove(String name) throws DriverException {
        Image image = byName.get(name);
        if (image == null) {
            return false;
        }
        boolean shared = byName.values().stream()
                .anyMatch(i -> !i.name().equals(name) && i.digest().equals(image.digest()));
        if (!shared) {
            Optional<String> user = usage.apply(image.digest());
            if (user.isPresent()) {
                throw new DriverException(Kind.INVALID_SPEC, "image " + name + " is used by container "
                        + user.get() + "; destroy it first");
            }
        }
        byName.remove(name);
        try {
            writeIndex();
        } catch (IOException e) {
            byName.put(name, image);
            throw new DriverException(Kind.FAILED, "cannot update the image index: " + e.getMessage(), e);
        }
        dropIfUnreferenced(image.digest());
        return true;
    }

    @Override
    public synchronized Path archive(String digest) throws DriverException {
        Path blob = dir.resolve("blobs").resolve(hex(digest) + ".tar");
        if (!Files.isRegularFile(blob)) {
            throw new DriverException(Kind.NOT_FOUND, "no image " + digest + " in the image store");
        }
        return blob;
    }

    @Override
    public synchronized Path rootfs(String digest) throws DriverException {
        String hex = hex(digest);
        Path rootfs = dir.resolve("rootfs").resolve(hex);
        if (Files.isDirectory(rootfs)) {
            return rootfs;
        }
        Path blob = archive(digest);
        Path tmpRoot = dir.resolve("tmp").resolve(UUID.randomUUID() + ".rootfs");
        try (InputStream in = Files.newInputStream(blob)) {
            Unpacker.unpack(in, tmpRoot);
            move(tmpRoot, rootfs);
            return rootfs;
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot unpack image " + digest + ": " + e.getMessage(), e);
        } finally {
            deleteTree(tmpRoot);
        }
    }

    private void dropIfUnreferenced(String digest) {
        if (byName.values().stream().anyMatch(i -> i.digest().equals(digest))) {
            return;
        }
        String hex = digest.substring("sha256:".length());
        deleteQuietly(dir.resolve("blobs").resolve(hex + ".tar"));
        Path rootfs = dir.resolve("rootfs").resolve(hex);
        Path doomed = dir.resolve("tmp").resolve(hex + "-" + UUID.randomUUID());
        try {
            // renamed first so a half-deleted tree is never mistaken for an unpacked image
            Files.move(rootfs, doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(doomed);
        } catch (NoSuchFileException e) {
            // nothing unpacked
        } catch (IOException e) {
            deleteTree(rootfs);
        }
    }

    private void writeIndex() throws IOException {
        List<IndexEntry> entries = new ArrayList<>();
        for (Image i : byName.values()) {
            entries.add(new IndexEntry(i.name(), i.digest(), i.sizeBytes(), i.createdAt().toEpochMilli()));
        }
        Path tmp = dir.resolve("tmp").resolve("index-" + UUID.randomUUID() + ".json");
        json.writeValue(tmp.toFile(), entries);
        move(tmp, dir.resolve("index.json"));
    }

    private static String hex(String digest) throws DriverException {
        java.util.regex.Matcher m = DIGEST.matcher(digest == null ? "" : digest);
        if (!m.matches()) {
            throw new DriverException(Kind.INVALID_SPEC, "not an image digest (sha256:<64 hex>): '" + digest + "'");
        }
        return m.group(1);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (DirectoryNotEmptyException e) {
            // another import of the same content won the race; its tree is identical
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void clean(Path tmp) {
        try (Stream<Path> s = Files.list(tmp)) {
            s.forEach(FileImageStore::deleteTree);
        } catch (IOException e) {
            // leftovers of a crash are harmless; the next start tries again
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        // a read-only directory from the archive would block deleting its children
                        Files.setAttribute(p, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
                    }
                } catch (IOException e) {
                    // try the delete anyway
                }
            });
        } catch (IOException e) {
            // fall through to the delete walk
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(FileImageStore::deleteQuietly);
        } catch (IOException e) {
            // best effort
        }
    }

    private static final class Matcher {
        final String digest;

        Matcher(String s) {
            this.digest = s != null && DIGEST.matcher(s).matches() ? s : null;
        }
    }
}
