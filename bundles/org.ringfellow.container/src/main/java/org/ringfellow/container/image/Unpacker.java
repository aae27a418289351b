package org.ringfellow.container.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Unpacks a root file system archive into a directory, refusing every entry that could reach
 * outside it: absolute names, {@code ..}, paths through a symbolic link, hard links out of the
 * tree, device nodes. Set-user-id and set-group-id bits are dropped; owners are not restored.
 */
final class Unpacker {

    /** Bounds a hostile archive: most entries accepted. */
    static final int MAX_ENTRIES = 1_000_000;

    private Unpacker() {
    }

    /** Thrown for an archive that is not a safe root file system; the message names the entry. */
    static final class BadArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        BadArchiveException(String message) {
            super(message);
        }
    }

    static void unpack(InputStream archive, Path root) throws IOException {
        Files.createDirectories(root);
        TarReader reader = new TarReader(archive);
        List<Path> dirs = new ArrayList<>();
        List<Integer> dirModes = new ArrayList<>();
        int count = 0;
        TarReader.Entry e;
        while ((e = reader.next()) != null) {
            if (++count > MAX_ENTRIES) {
                throw new BadArchiveException("archive has more than " + MAX_ENTRIES + " entries");
            }
            String rel = relative(e.name());
            if (rel.isEmpty()) {
                if (e.type() == '5') {
                    dirs.add(root);
                    dirModes.add(e.mode());
                }
                continue;
            }
            Path target = root.resolve(rel);
            ensureParents(root, target, e.name());
            int mode = e.mode() & 01777;
            switch (e.type()) {
                case '5' -> {
                    if (Files.isSymbolicLink(target) || (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                            && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))) {
                        Files.delete(target);
                    }
                    Files.createDirectories(target);
                    dirs.add(target);
                    dirModes.add(mode);
                }
                case '0', '\0', '7' -> {
                    replace(target);
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        reader.data().transferTo(out);
                    }
                    setMode(target, mode);
                }
                case '2' -> {
                    if (e.linkName().isEmpty()) {
                        throw new BadArchiveException("symbolic link without a target: " + e.name());
                    }
                    replace(target);
                    // the target is resolved inside the container's root, never followed here
                    Files.createSymbolicLink(target, Path.of(e.linkName()));
                }
                case '1' -> {
                    String linkRel = relative(e.linkName());
                    Path source = root.resolve(linkRel);
                    ensureParents(root, source, e.linkName());
                    if (linkRel.isEmpty() || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw new BadArchiveException("hard link " + e.name() + " to a missing or non-regular file "
                                + e.linkName());
                    }
                    replace(target);
                    Files.createLink(target, source);
                }
                case '3', '4' -> throw new BadArchiveException("device node not allowed in an image: " + e.name());
                case '6' -> {
                    // a FIFO carries no data; leaving it out keeps the unpacker free of mknod
                }
                default -> throw new BadArchiveException("unsupported tar entry type '" + e.type() + "': " + e.name());
            }
        }
        if (count == 0) {
            throw new BadArchiveException("archive is empty");
        }
        // directories last, deepest first, so a read-only directory never blocks its own children
        for (int i = dirs.size() - 1; i >= 0; i--) {
            setMode(dirs.get(i), dirModes.get(i) & 01777);
        }
    }

    /** Normalises an entry name to a relative path, refusing absolute names and {@code ..}. */
    static String relative(String name) throws BadArchiveException {
        if (name.startsWith("/")) {
            throw new BadArchiveException("absolute path in archive: " + name);
        }
        if (name.indexOf('\0') >= 0) {
            throw new BadArchiveException("NUL in archive entry name");
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new BadArchiveException("'..' in archive path: " + name);
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }

    private static void ensureParents(Path root, Path target, String name) throws IOException {
        Path rel = root.relativize(target);
        Path current = root;
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            current = current.resolve(rel.getName(i));
            if (Files.isSymbolicLink(current)) {
                throw new BadArchiveException("archive entry goes through a symbolic link: " + name);
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
            } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw new BadArchiveException("archive entry below a non-directory: " + name);
            }
        }
    }

    private static void replace(Path target) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "a directory of that name exists");
        }
        Files.deleteIfExists(target);
    }

    private static void setMode(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    }
}
